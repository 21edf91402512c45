"""Registrations of committee elections: audit action labels, how the trail names an election,
and the dashboard's "due" line (plans and results awaiting the upper union's approval)."""


def ready():
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
        register_value_fields,
    )
    from gonghui.core.dashboard import register_due_source

    register_action_labels({
        "grassroots.election.plan": pgettext_lazy("audit action", "Election planned"),
        "grassroots.election.edit": pgettext_lazy("audit action", "Election plan changed"),
        "grassroots.election.candidate_add": pgettext_lazy("audit action", "Election candidate added"),
        "grassroots.election.candidate_remove": pgettext_lazy("audit action", "Election candidate removed"),
        "grassroots.election.plan_submit": pgettext_lazy("audit action", "Election plan submitted to the upper union"),
        "grassroots.election.plan_return": pgettext_lazy("audit action", "Election plan returned"),
        "grassroots.election.plan_approve": pgettext_lazy("audit action", "Election plan approved"),
        "grassroots.election.meeting": pgettext_lazy("audit action", "Election meeting recorded"),
        "grassroots.election.ballots": pgettext_lazy("audit action", "Election ballots counted"),
        "grassroots.election.close_voting": pgettext_lazy("audit action", "Election voting ended with seats vacant"),
        "grassroots.election.officers": pgettext_lazy("audit action", "Committee chair and vice-chairs chosen"),
        "grassroots.election.result_submit": pgettext_lazy("audit action",
                                                           "Election result submitted to the upper union"),
        "grassroots.election.result_return": pgettext_lazy("audit action", "Election result returned"),
        "grassroots.election.result_approve": pgettext_lazy("audit action", "Election result approved"),
        "grassroots.election.cancel": pgettext_lazy("audit action", "Election cancelled"),
        "grassroots.election.export": pgettext_lazy("audit action", "Elections exported"),
    }, group=_("Grassroots building"))
    register_field_labels("grassroots.Election", {
        "candidate": _("candidate"), "candidates": _("candidates"), "proposed_position": _("proposed for"),
        "relative_of_manager": _("close relative of a senior manager"), "meeting": _("election meeting"),
        "present": _("present"), "entitled": _("entitled to vote"), "valid": _("valid"), "quorum": _("quorum"),
        "round": _("round"), "votes": pgettext_lazy("election", "votes"), "elected": _("elected"),
        "tied": _("tied at the last seat"),
        "ballots_issued": _("ballots issued"), "ballots_returned": _("ballots returned"),
        "ballots_valid": _("valid ballots"), "chair": pgettext_lazy("committee position", "Chair"),
        "vice_chairs": _("vice-chairs"), "reason": _("reason"), "filled": _("seats filled"),
        "seats": _("committee seats"),
    })
    # A candidate's position is stored as its code; the trail shows the label (主席, 委员).
    register_value_fields("grassroots.Election",
                          {"proposed_position": "grassroots.ElectionCandidate.proposed_position"})
    register_object_labels({"grassroots.ElectionExport": _("Election export")})
    register_field_labels("grassroots.ElectionExport", {"filters": _("filters"), "rows": _("rows exported")})
    register_name_fields({"grassroots.Election": "org__name"})

    from ..selectors.elections import due_summary

    register_due_source(due_summary)
