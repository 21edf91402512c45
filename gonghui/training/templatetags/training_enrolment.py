"""The enrolment panel on a course's detail page (owned by the enrolment area)."""

from django import template

register = template.Library()


@register.inclusion_tag("training/enrolment/_course_panel.html", takes_context=True)
def enrolment_panel(context, course):
    """Seats, waiting list and the enrolments of `course` the user may see, with the actions."""
    return {"course": course, "request": context.get("request")}
