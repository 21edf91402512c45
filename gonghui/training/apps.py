from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "gonghui.training"
    label = "training"
    verbose_name = _("Training and worker schools")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources and tasks.
        from .wiring import attendance, courses, enrolment, mentoring, schools, stats

        schools.ready()
        courses.ready()
        enrolment.ready()
        attendance.ready()
        mentoring.ready()
        stats.ready()
