"""The attendance and certificates panel on a course's detail page, and the member's certificates
(owned by the attendance area)."""

from django import template

from ..policies.attendance import CHANGE, can
from ..selectors import attendance as selectors
from ..services.attendance import min_share

register = template.Library()


@register.inclusion_tag("training/attendance/_course_panel.html", takes_context=True)
def attendance_panel(context, course):
    """Attendance per session, completion and certificates of `course`, with the actions."""
    request = context.get("request")
    user = getattr(request, "user", None)
    share = min_share(course)
    return {"course": course, "request": request, "panel": selectors.course_panel(course),
            "can_record": can(user, CHANGE, course.org), "min_share": f"{share * 100:.0f}%",
            "csrf_token": context.get("csrf_token")}


@register.simple_tag
def my_certificates(person):
    """The member's own certificates (newest first)."""
    return list(selectors.my_certificates(person))
