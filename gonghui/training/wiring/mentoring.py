ACTION_CODES = ("training.mentorship_create", "training.mentorship_report", "training.mentorship_assess",
                "training.mentorship_end", "training.mentorship_export")


def ready():
    """Registrations of this area: audit labels, due-soon sources, tasks."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )
    from gonghui.core.dashboard import register_due_source

    register_action_labels({
        "training.mentorship_create": pgettext_lazy("audit action", "Master-apprentice pair created"),
        "training.mentorship_report": pgettext_lazy("audit action", "Master-apprentice progress report written"),
        "training.mentorship_assess": pgettext_lazy("audit action", "Master-apprentice final assessment recorded"),
        "training.mentorship_end": pgettext_lazy("audit action", "Master-apprentice pair ended early"),
        "training.mentorship_export": pgettext_lazy("audit action", "Master-apprentice pairs exported"),
    }, group=_("Training"))
    register_object_labels({"training.MentorshipExport": _("Master-apprentice pairs export")})
    register_field_labels("training.Mentorship", {
        "apprentice": _("apprentice"), "master": _("master"), "org": _("union"), "period_no": _("period"),
        "submitted_on": _("submitted on"), "late": _("submitted late"), "result": _("result"), "score": _("score"),
        "assessed_on": _("assessed on"), "skill_level_before": _("skill level before"),
        "new_skill_level": _("new skill level")})
    register_name_fields({"training.Mentorship": "master_name"})

    from ..selectors.mentoring import DUE_SOURCES
    from ..tasks import mentoring as _tasks  # noqa: F401 — registers remind_mentorship_reports_task

    for source in DUE_SOURCES:
        register_due_source(source)
