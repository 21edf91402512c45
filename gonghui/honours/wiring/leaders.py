ACTION_CODES = (
    "honours.leader_nominate", "honours.leader_select", "honours.leader_decline", "honours.leader_withdraw",
    "honours.leader_end", "honours.leader_export", "honours.allowance_run", "honours.allowance_export",
    "honours.allowance_arrears",
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
        "honours.leader_nominate": pgettext_lazy("audit action", "Skill leader nominated"),
        "honours.leader_select": pgettext_lazy("audit action", "Skill leader selected"),
        "honours.leader_decline": pgettext_lazy("audit action", "Skill leader nomination not selected"),
        "honours.leader_withdraw": pgettext_lazy("audit action", "Skill leader nomination withdrawn"),
        "honours.leader_end": pgettext_lazy("audit action", "Skill leader title ended early"),
        "honours.leader_export": pgettext_lazy("audit action", "Skill leaders exported"),
        "honours.allowance_run": pgettext_lazy("audit action", "Skill leader allowance run"),
        "honours.allowance_export": pgettext_lazy("audit action", "Skill leader allowance payments exported"),
        "honours.allowance_arrears": pgettext_lazy("audit action",
                                                   "Skill leader allowance paid for months already run"),
    }, group=_("Honours"))
    register_object_labels({"honours.SkillLeaderExport": _("Skill leaders export"),
                            "honours.LeaderAllowanceExport": _("Skill leader allowance export")})
    register_field_labels("honours.SkillLeader", {"person": _("person"), "org": _("union"), "months": _("months paid"),
                                                  "amount": _("amount per month (yuan)"), "total": _("amount paid")})
    register_field_labels("honours.LeaderAllowanceRun", {"month": _("month"), "paid": _("allowances paid"),
                                                         "amount": _("amount per month (yuan)"),
                                                         "total": _("amount paid")})
    register_name_fields({"honours.SkillLeader": "person__name"})

    from ..selectors.leaders import DUE_SOURCES
    from ..tasks import leaders as _tasks  # noqa: F401 — registers run_leader_allowances_task with Celery

    for source in DUE_SOURCES:
        register_due_source(source)
