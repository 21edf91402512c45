"""Registrations of the liaison area: audit labels, record names, the due-soon source."""


def ready():
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels, register_name_fields, register_object_labels
    from gonghui.core.dashboard import register_due_source

    register_action_labels({
        "grassroots.liaison_assign": pgettext_lazy("audit action", "Liaison cadre assigned to an enterprise"),
        "grassroots.liaison_end": pgettext_lazy("audit action", "Liaison assignment ended"),
        "grassroots.liaison_visit": pgettext_lazy("audit action", "Liaison visit recorded"),
        "grassroots.liaison_visit_edit": pgettext_lazy("audit action", "Liaison visit corrected"),
        "grassroots.liaison_follow_up": pgettext_lazy("audit action", "Follow-up action added"),
        "grassroots.liaison_follow_up_close": pgettext_lazy("audit action", "Follow-up action closed"),
        "grassroots.liaison_export": pgettext_lazy("audit action", "Liaison records exported"),
    }, group=_("Grassroots building"))
    register_object_labels({"grassroots.LiaisonExport": _("Liaison export")})
    register_name_fields({
        "grassroots.LiaisonAssignment": "enterprise__name",
        "grassroots.LiaisonVisit": "enterprise__name",
        "grassroots.LiaisonFollowUp": "action",
    })

    from ..selectors.liaison import due_summary
    from ..tasks import liaison as _tasks  # noqa: F401 — registers the reminder job with Celery

    register_due_source(due_summary)
