"""The venue calendar's items, built in Python (like core.forms.FastSelect builds options): a
district month draws a few hundred items twice (the desktop grid and the phone list), and seven
template lookups an item cost ≈15 ms of the page. The HTML is what the template drew."""

from django import template
from django.utils.safestring import mark_safe

from gonghui.core.text import escape_html

register = template.Library()


@register.filter
def calendar_chip(item):
    """An item in a day cell of the month grid: a badge linking to the item."""
    return mark_safe(
        f'<a class="d-block text-wrap text-decoration-none badge {item.badge} mb-1 text-start"'
        f' href="{escape_html(item.url)}"'
        f' title="{escape_html(item.title)} · {escape_html(item.where)}">{item.hm} {escape_html(item.title)}</a>')


@register.filter
def calendar_line(item):
    """An item of the phone list: time badge, link, and where · status below."""
    return mark_safe(
        f'<li class="py-1"><span class="badge {item.badge}">{item.hm}</span> '
        f'<a href="{escape_html(item.url)}">{escape_html(item.title)}</a>'
        f'<div class="small text-muted">{escape_html(item.where)} · {escape_html(item.status_label)}</div></li>')
