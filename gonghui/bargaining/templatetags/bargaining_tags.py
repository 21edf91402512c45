"""Display helpers of the negotiation pages."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()

STAGE_BADGES = {
    "OFFERED": "text-bg-info", "REPLIED": "text-bg-info", "IN_TALKS": "text-bg-primary",
    "APPROVED": "text-bg-primary", "SIGNED": "text-bg-warning", "FILED": "text-bg-warning",
    "EFFECTIVE": "text-bg-success", "PUBLISHED": "text-bg-success", "CANCELLED": "text-bg-light border",
}
STEP_BADGES = {
    "done": ("text-bg-success", "Done"), "overdue": ("text-bg-danger", "Overdue"),
    "due_soon": ("text-bg-warning", "Due soon"), "waiting": ("text-bg-light border", "Waiting"),
    "pending": ("text-bg-light border text-muted", "Not yet"), "skipped": ("text-bg-light border text-muted", "—"),
}


@register.filter
def stage_badge(stage):
    return STAGE_BADGES.get(str(stage), "text-bg-light border")


@register.filter
def step_badge(state):
    return STEP_BADGES.get(state, STEP_BADGES["pending"])[0]


@register.filter
def step_state_label(state):
    labels = {"done": _("Done"), "overdue": _("Overdue"), "due_soon": _("Due soon"), "waiting": _("Waiting"),
              "pending": _("Not yet"), "skipped": "—"}
    return labels.get(state, "")


@register.filter
def days_until(day, today):
    """Days from today to a date (negative when past)."""
    if not day or not today:
        return ""
    return (day - today).days


@register.filter
def step_label(code, labels):
    return labels.get(code, code) if code else "—"


@register.filter
def absolute(number):
    try:
        return abs(int(number))
    except (TypeError, ValueError):
        return number
