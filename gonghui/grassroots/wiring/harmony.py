"""Registrations of 和谐劳动关系 creation: audit labels, record names, due-soon sources."""


def ready():
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
        "grassroots.harmony_set_create": pgettext_lazy("audit action", "Harmony indicator set created"),
        "grassroots.harmony_set_edit": pgettext_lazy("audit action", "Harmony indicators changed"),
        "grassroots.harmony_set_publish": pgettext_lazy("audit action", "Harmony indicator set published"),
        "grassroots.harmony_start": pgettext_lazy("audit action", "Harmony self-assessment started"),
        "grassroots.harmony_self_score": pgettext_lazy("audit action", "Harmony self-assessment scores saved"),
        "grassroots.harmony_submit": pgettext_lazy("audit action", "Harmony self-assessment submitted"),
        "grassroots.harmony_return": pgettext_lazy("audit action", "Harmony self-assessment returned"),
        "grassroots.harmony_forward": pgettext_lazy("audit action", "Harmony self-assessment reviewed and forwarded"),
        "grassroots.harmony_rate": pgettext_lazy("audit action", "Harmony rating decided"),
        "grassroots.harmony_evidence_add": pgettext_lazy("audit action", "Harmony evidence uploaded"),
        "grassroots.harmony_evidence_remove": pgettext_lazy("audit action", "Harmony evidence removed"),
        "grassroots.harmony_export": pgettext_lazy("audit action", "Harmony assessments exported"),
    }, group=_("Grassroots building"))
    register_field_labels("grassroots.HarmonyAssessment", {
        "scores": _("scores"), "prefilled": _("prefilled from records"), "indicator": _("indicator"),
        "file": _("file")})
    register_field_labels("grassroots.IndicatorSet", {"indicators": _("indicators"),
                                                      "copied_from": _("copied from the year")})
    register_name_fields({"grassroots.HarmonyAssessment": "enterprise__name"})
    register_object_labels({"grassroots.HarmonyExport": _("Harmony assessment export")})
    register_field_labels("grassroots.HarmonyExport", {"filters": _("filters"), "rows": _("rows exported")})

    from ..selectors.harmony import due_summary, review_due_summary
    from ..tasks import harmony as _tasks  # noqa: F401 — Celery's autodiscovery imports only the package

    register_due_source(due_summary)
    register_due_source(review_due_summary)
