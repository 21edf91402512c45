"""Registrations for this area (audit action labels, due-soon sources, calendar hooks)."""


def ready():
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core import workdays
    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )
    from gonghui.core.dashboard import register_due_source

    register_action_labels({
        "congress.constitute": pgettext_lazy("audit action", "Congress term constituted"),
        "congress.end_term": pgettext_lazy("audit action", "Congress term ended"),
        "congress.delegate_add": pgettext_lazy("audit action", "Delegate added to the roll"),
        "congress.delegate_bulk_add": pgettext_lazy("audit action", "Delegates added from a pasted list"),
        "congress.delegate_edit": pgettext_lazy("audit action", "Delegate changed"),
        "congress.delegate_end": pgettext_lazy("audit action", "Delegate left the roll"),
        "congress.delegate_promote": pgettext_lazy("audit action", "Substitute promoted to delegate"),
        "congress.session_plan": pgettext_lazy("audit action", "Congress session planned"),
        "congress.session_edit": pgettext_lazy("audit action", "Congress session plan changed"),
        "congress.agenda": pgettext_lazy("audit action", "Session agenda changed"),
        "congress.papers_sent": pgettext_lazy("audit action", "Session papers sent to delegates"),
        "congress.session_held": pgettext_lazy("audit action", "Congress session held"),
        "congress.votes": pgettext_lazy("audit action", "Session votes recorded"),
        "congress.session_reported": pgettext_lazy("audit action", "Session reported to the upper union"),
        "congress.session_cancel": pgettext_lazy("audit action", "Congress session cancelled"),
        "congress.export": pgettext_lazy("audit action", "Congresses exported"),
    }, group=_("Workers' congresses and proposals"))
    register_field_labels("congress.CongressBody", {"reason": _("reason"), "delegates": _("delegates"),
                                                     "count": _("number")})
    register_field_labels("congress.Session", {"agenda": _("agenda"), "item": _("agenda item"),
                                                "votes": _("votes")})
    register_object_labels({"congress.Export": _("Congress export")})
    register_field_labels("congress.Export", {"report": _("report"), "filters": _("filters"),
                                               "rows": _("rows exported")})

    # A congress term is named by its enterprise wherever the trail points at it.
    register_name_fields({"congress.CongressBody": "enterprise__name"})

    from ..selectors.bodies import due_summary
    from ..tasks.bodies import recompute_report_due_task

    register_due_source(due_summary)
    # Working-day deadlines move when the district enters a year's holidays.
    workdays.on_calendar_change(recompute_report_due_task.delay)
