"""Registrations for this area (audit action labels, due-soon sources, calendar hooks)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def ready():
    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )
    from gonghui.core.dashboard import register_due_source

    from ..selectors.proposals import due_summary

    register_action_labels({
        "congress.proposal_draft": pgettext_lazy("audit action", "Proposal drafted"),
        "congress.proposal_update": pgettext_lazy("audit action", "Proposal draft changed"),
        "congress.proposal_submit": pgettext_lazy("audit action", "Proposal submitted"),
        "congress.proposal_accept": pgettext_lazy("audit action", "Proposal accepted and numbered"),
        "congress.proposal_convert": pgettext_lazy("audit action", "Proposal converted to a suggestion"),
        "congress.proposal_reject": pgettext_lazy("audit action", "Proposal not accepted"),
        "congress.proposal_assign": pgettext_lazy("audit action", "Proposal assigned to a department"),
        "congress.proposal_extend": pgettext_lazy("audit action", "Proposal reply deadline extended"),
        "congress.proposal_reply": pgettext_lazy("audit action", "Reply to a proposal recorded"),
        "congress.proposal_rate": pgettext_lazy("audit action", "Proposer's rating recorded"),
        "congress.proposal_benefit": pgettext_lazy("audit action", "Proposal benefit recorded"),
        "congress.proposal_export": pgettext_lazy("audit action", "Proposals exported"),
    }, group=_("Workers' congresses and proposals"))
    register_field_labels("congress.Proposal", {"cosigner_names": _("co-signing delegates"),
                                                "reopened": _("reopened")})
    # Ids in a proposal's trail shown by name: the proposer (a delegate) and the session.
    register_name_fields({"congress.Delegate": "name", "congress.Session": "title"})
    register_object_labels({"congress.ProposalExport": _("Proposal export")})
    register_field_labels("congress.ProposalExport", {"rows": _("rows exported"), "filters": _("filters")})
    register_due_source(due_summary)

    from gonghui.core import workdays

    from ..tasks.proposals import refresh_proposal_deadlines_task

    # Reply deadlines are rolled to the next working day when stored: a year's holidays entered
    # later (2027 and after are estimates until then) move the open ones.
    workdays.on_calendar_change(refresh_proposal_deadlines_task.delay)
