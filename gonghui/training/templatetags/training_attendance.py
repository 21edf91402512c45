"""The attendance and certificates panel on a course's detail page (owned by the attendance area)."""

from django import template

register = template.Library()


@register.inclusion_tag("training/attendance/_course_panel.html", takes_context=True)
def attendance_panel(context, course):
    """Attendance per session, completion and certificates of `course`, with the actions."""
    return {"course": course, "request": context.get("request")}
