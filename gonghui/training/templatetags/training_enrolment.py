"""The enrolment panel on a course's detail page (owned by the enrolment area)."""

from django import template

register = template.Library()
PANEL_ROWS = 20  # the rest on the enrolment list (filtered by the course)


@register.inclusion_tag("training/enrolment/_course_panel.html", takes_context=True)
def enrolment_panel(context, course):
    """Seats, waiting list and the enrolments of `course` the user may see, with the actions.
    Two queries (the counts, the rows)."""
    from ..policies.enrolment import may_enrol_for_course
    from ..selectors.enrolment import course_enrolments, places

    request = context.get("request")
    user = getattr(request, "user", None)
    rows = course_enrolments(user, course, limit=PANEL_ROWS + 1) if user is not None and user.is_authenticated else []
    return {"course": course, "request": request, "places": places(course), "rows": rows[:PANEL_ROWS],
            "more": len(rows) > PANEL_ROWS,
            "can_enrol": bool(user) and may_enrol_for_course(user, course)}
