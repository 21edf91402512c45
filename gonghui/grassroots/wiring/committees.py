"""Registrations of the committees area: audit labels, the term-expiry due source, the task."""


def ready():
    """Registrations of this area: audit labels, due-soon sources, calendar hooks."""
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
        "grassroots.committee.seat": pgettext_lazy("audit action", "Union committee seated"),
        "grassroots.committee.record": pgettext_lazy("audit action", "Union committee recorded from paper"),
        "grassroots.committee.replace": pgettext_lazy("audit action", "Union committee replaced by the next term"),
        "grassroots.committee.export": pgettext_lazy("audit action", "Union committees exported"),
    }, group=_("Grassroots building"))
    register_field_labels("grassroots.Committee", {"members": _("committee members")})
    register_object_labels({"grassroots.CommitteeExport": _("Committee export")})
    register_field_labels("grassroots.CommitteeExport", {"filters": _("filters"), "rows": _("rows exported")})
    # A committee is named by its union wherever the trail points at it.
    register_name_fields({"grassroots.Committee": "org__name"})

    from ..selectors.committees import due_summary
    from ..tasks import committees as _tasks  # noqa: F401 — registers the daily reminder task with Celery

    register_due_source(due_summary)
