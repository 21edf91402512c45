from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InnovationConfig(AppConfig):
    name = "gonghui.innovation"
    label = "innovation"
    verbose_name = _("Rationalisation proposals and technical innovation")

    def ready(self):
        from gonghui.core.audit_labels import (
            register_action_labels,
            register_field_labels,
            register_object_labels,
        )

        register_action_labels({
            "innovation.submit": pgettext_lazy("audit action", "Suggestion submitted"),
            "innovation.evaluate": pgettext_lazy("audit action", "Suggestion evaluated"),
            "innovation.adopt": pgettext_lazy("audit action", "Suggestion adopted"),
            "innovation.decline": pgettext_lazy("audit action", "Suggestion not adopted"),
            "innovation.implement": pgettext_lazy("audit action", "Suggestion implemented, benefit measured"),
            "innovation.reward": pgettext_lazy("audit action", "Reward paid for a suggestion"),
            "innovation.withdraw": pgettext_lazy("audit action", "Suggestion withdrawn"),
            "innovation.project_create": pgettext_lazy("audit action", "Technical project recorded"),
            "innovation.project_start": pgettext_lazy("audit action", "Technical project started"),
            "innovation.milestone_add": pgettext_lazy("audit action", "Milestone added"),
            "innovation.milestone_done": pgettext_lazy("audit action", "Milestone done"),
            "innovation.project_complete": pgettext_lazy("audit action", "Technical project completed"),
            "innovation.project_abandon": pgettext_lazy("audit action", "Technical project abandoned"),
            "innovation.export": pgettext_lazy("audit action", "Suggestions exported"),
        }, group=_("Rationalisation proposals and technical innovation"))
        register_field_labels("innovation.Suggestion", {
            "scores": _("scores"),
        })
        register_field_labels("innovation.TechProject", {
            "team": _("team"),
            "milestone": _("milestone"),
            "due_on": _("due on"),
            "done_on": _("done on"),
            "late": _("done late"),
        })
        # An export has no model row; its audit rows use this object type.
        register_object_labels({"innovation.Export": _("Suggestion export")})
        register_field_labels("innovation.Export", {"filters": _("filters"), "rows": _("rows exported")})
