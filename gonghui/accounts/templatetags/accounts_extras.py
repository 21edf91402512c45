import datetime

from django import template

register = template.Library()


@register.filter
def minutes(value):
    """A timedelta (or seconds) as whole minutes, rounded up: 0.5 h → 30."""
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    else:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            return ""
    return max(1, int(-(-seconds // 60)))
