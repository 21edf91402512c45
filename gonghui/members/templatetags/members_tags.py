"""Small display helpers for the member pages."""

import datetime

from django import template
from django.utils.translation import gettext as _

register = template.Library()

STATUS_BADGES = {
    "ACTIVE": "text-bg-success",
    "TRANSFER_PENDING": "text-bg-warning",
    "TRANSFERRED_OUT": "text-bg-secondary",
    "LEFT": "text-bg-light border",
    "PENDING": "text-bg-warning",
    "ACCEPTED": "text-bg-success",
    "REJECTED": "text-bg-danger",
    "CANCELLED": "text-bg-light border",
}


@register.filter
def age(birth_on, today=None):
    """Age in whole years on `today` (default: today)."""
    if not birth_on:
        return ""
    today = today or datetime.date.today()
    return today.year - birth_on.year - ((today.month, today.day) < (birth_on.month, birth_on.day))


@register.filter
def status_badge(status):
    return STATUS_BADGES.get(str(status), "text-bg-light border")


@register.filter
def yes_no(value):
    return _("Yes") if value else _("No")
