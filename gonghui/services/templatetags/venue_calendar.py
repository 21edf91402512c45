"""The venue calendar's items, built in Python (like core.forms.FastSelect builds options): a
district month draws a few hundred items twice (the desktop grid and the phone list), and seven
template lookups an item cost ≈15 ms of the page. The HTML is what the template drew."""

import html

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _e(value):
    # conditional_escape without its lazy-string wrapper: the same entities (Django's escape is html.escape).
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


@register.filter
def calendar_chip(item):
    """An item in a day cell of the month grid: a badge linking to the item."""
    return mark_safe(
        f'<a class="d-block text-wrap text-decoration-none badge {item.badge} mb-1 text-start" href="{_e(item.url)}"'
        f' title="{_e(item.title)} · {_e(item.where)}">{item.hm} {_e(item.title)}</a>')


@register.filter
def calendar_line(item):
    """An item of the phone list: time badge, link, and where · status below."""
    return mark_safe(
        f'<li class="py-1"><span class="badge {item.badge}">{item.hm}</span> '
        f'<a href="{_e(item.url)}">{_e(item.title)}</a>'
        f'<div class="small text-muted">{_e(item.where)} · {_e(item.status_label)}</div></li>')
