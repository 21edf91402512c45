"""Registrations of the founding area (组建): audit action labels, the record's name in the
trail, the dashboard's due-soon source, and the calendar hook that moves working-day deadlines."""


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
        "grassroots.founding.create": pgettext_lazy("audit action", "Union founding application recorded"),
        "grassroots.founding.update": pgettext_lazy("audit action", "Union founding application changed"),
        "grassroots.founding.submit": pgettext_lazy("audit action", "Founding application submitted"),
        "grassroots.founding.review": pgettext_lazy("audit action", "Founding application accepted at review"),
        "grassroots.founding.return": pgettext_lazy("audit action", "Founding application returned for changes"),
        "grassroots.founding.refuse": pgettext_lazy("audit action", "Founding application refused"),
        "grassroots.founding.approve": pgettext_lazy("audit action", "Union founding approved (批复)"),
        "grassroots.founding.join": pgettext_lazy("audit action", "Enterprise joined a joint union"),
        "grassroots.founding.register": pgettext_lazy("audit action", "Union registered (法人资格)"),
        "grassroots.founding.withdraw": pgettext_lazy("audit action", "Founding application withdrawn"),
        "grassroots.founding.export": pgettext_lazy("audit action", "Founding applications exported"),
        "grassroots.unorganised.export": pgettext_lazy("audit action", "Enterprises without a union exported"),
    }, group=_("Grassroots building"))
    register_object_labels({"grassroots.Export": _("Grassroots building export")})
    register_field_labels("grassroots.Export", {"filters": _("filters"), "rows": _("rows exported")})
    # An application is named by its enterprise wherever the trail points at it.
    register_name_fields({"grassroots.FoundingApplication": "enterprise__name"})

    from ..selectors.foundings import due_summary
    from ..tasks.foundings import recompute_founding_due_task

    register_due_source(due_summary)
    workdays.on_calendar_change(recompute_founding_due_task.delay)
