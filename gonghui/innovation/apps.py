from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "gonghui.innovation"
    label = "innovation"
    verbose_name = _("Rationalisation proposals and technical innovation")
