ACTION_CODES = (
    "grassroots.home_standard_create", "grassroots.home_standard_copy", "grassroots.home_standard_edit",
    "grassroots.home_criterion_add", "grassroots.home_criterion_edit", "grassroots.home_criterion_delete",
    "grassroots.home_standard_publish", "grassroots.home_start", "grassroots.home_recheck_start",
    "grassroots.home_self_score", "grassroots.home_evidence_add", "grassroots.home_evidence_remove",
    "grassroots.home_submit", "grassroots.home_town_forward", "grassroots.home_town_return",
    "grassroots.home_award", "grassroots.home_refuse", "grassroots.home_renew", "grassroots.home_revoke",
    "grassroots.home_withdraw", "grassroots.home_export",
)


def ready():
    """Registrations of this area: audit labels, due-soon sources."""
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
        "grassroots.home_standard_create": pgettext_lazy("audit action", "Workers' home standard started from the "
                                                                         "built-in template"),
        "grassroots.home_standard_copy": pgettext_lazy("audit action", "Workers' home standard copied into a new "
                                                                       "version"),
        "grassroots.home_standard_edit": pgettext_lazy("audit action", "Workers' home standard changed"),
        "grassroots.home_criterion_add": pgettext_lazy("audit action", "Workers' home criterion added"),
        "grassroots.home_criterion_edit": pgettext_lazy("audit action", "Workers' home criterion changed"),
        "grassroots.home_criterion_delete": pgettext_lazy("audit action", "Workers' home criterion deleted"),
        "grassroots.home_standard_publish": pgettext_lazy("audit action", "Workers' home standard published"),
        "grassroots.home_start": pgettext_lazy("audit action", "Workers' home application started"),
        "grassroots.home_recheck_start": pgettext_lazy("audit action", "Workers' home re-check started"),
        "grassroots.home_self_score": pgettext_lazy("audit action", "Workers' home self-assessment scored"),
        "grassroots.home_evidence_add": pgettext_lazy("audit action", "Workers' home evidence uploaded"),
        "grassroots.home_evidence_remove": pgettext_lazy("audit action", "Workers' home evidence removed"),
        "grassroots.home_submit": pgettext_lazy("audit action", "Workers' home application submitted"),
        "grassroots.home_town_forward": pgettext_lazy("audit action", "Workers' home application reviewed and "
                                                                      "forwarded by the town"),
        "grassroots.home_town_return": pgettext_lazy("audit action", "Workers' home application returned by the "
                                                                     "town"),
        "grassroots.home_award": pgettext_lazy("audit action", "Workers' home awarded"),
        "grassroots.home_refuse": pgettext_lazy("audit action", "Workers' home not awarded"),
        "grassroots.home_renew": pgettext_lazy("audit action", "Workers' home award confirmed by a re-check"),
        "grassroots.home_revoke": pgettext_lazy("audit action", "Workers' home award revoked"),
        "grassroots.home_withdraw": pgettext_lazy("audit action", "Workers' home application withdrawn"),
        "grassroots.home_export": pgettext_lazy("audit action", "Workers' home assessments exported"),
    }, group=_("Grassroots building"))
    register_object_labels({"grassroots.HomeExport": _("Workers' home export")})
    fields = {"scores": _("scores"), "line": _("assessment line"), "file": _("file"), "size": _("size (bytes)"),
              "reason": _("reason"), "by": _("by the assessment"), "recheck_of": _("re-check of"),
              "standard": _("standard"), "level": _("level"), "year": _("year")}
    register_field_labels("grassroots.HomeAssessment", fields)
    register_field_labels("grassroots.HomeStandard", {"criteria": _("criteria"), "criterion": _("criterion"),
                                                       "total": _("total points")})
    register_name_fields({"grassroots.HomeAssessment": "org__name", "grassroots.HomeStandard": "title"})

    from ..selectors.homes import due_rechecks_summary, due_reviews_summary
    from ..tasks import homes as _tasks  # noqa: F401 — registers remind_home_rechecks_task with Celery

    register_due_source(due_reviews_summary)
    register_due_source(due_rechecks_summary)
