"""Reads of courses and their sessions; every read that takes a user is scoped (`Course` through
the organiser's subtree; sessions through their course)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, DecimalField, Exists, IntegerField, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org, OrgLevel

from ..models.courses import LIVE_COURSE_STATUSES, Course, CourseSession, CourseStatus
from ..policies.courses import CHANGE, VIEW
from ..rules.courses import rules


def today():
    return timezone.localdate()


def courses(user):
    """The courses the user organises or oversees: the organiser's subtree (every status)."""
    return Course.objects.visible_to(user, VIEW)


# Courses organised above the user are offered down the tree once published (not drafts or
# cancelled ones): a union chair sees the courses of their town and of the district.
OFFERED_STATUSES = LIVE_COURSE_STATUSES


def above_paths(user, action=VIEW):
    """Paths of the orgs strictly above the user's scope roots for `action` (their town, the
    district). Empty for a superuser (who sees everything anyway) or a user without the action."""
    from gonghui.core.scoping import user_scope

    everything, paths = user_scope(user, action)
    if everything or not paths:
        return []
    return sorted({p[:i] for p in paths for i in range(Org.steplen, len(p), Org.steplen)})


def offered_courses(user):
    """Published courses organised by an org above the user's reach: readable (list, page), never
    writable (every write still requires training.change on the course's org)."""
    paths = above_paths(user)
    if not paths:
        return Course.objects.none()
    return Course.objects.filter(org__path__in=paths, status__in=OFFERED_STATUSES)


def readable_courses(user):
    """What a course page may show: the user's courses and those offered to them."""
    from gonghui.core.scoping import scope_q, user_scope

    everything, paths = user_scope(user, VIEW)
    if everything:
        return Course.objects.all()
    cond = scope_q(("org",), paths)
    if cond is None:
        return Course.objects.none()
    above = above_paths(user)
    if above:
        cond |= Q(org__path__in=above, status__in=OFFERED_STATUSES)
    return Course.objects.filter(cond)


def is_offered(user, course) -> bool:
    """True when the user reads `course` only because it is offered from above."""
    return not user.can(VIEW, course.org)


@dataclass(frozen=True)
class CourseFilters:
    q: str = ""
    org: Org | None = None
    year: int | None = None
    programme: str = ""
    mode: str = ""
    school: int | None = None
    status: str = ""
    offered: bool = False  # courses offered to us from above instead of ours

    def as_dict(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "year": self.year,
                "programme": self.programme, "mode": self.mode, "school": self.school, "status": self.status,
                "offered": self.offered}


def filtered_courses(user, f: CourseFilters):
    qs = offered_courses(user) if f.offered else courses(user)
    if f.org is not None and not f.offered:  # the org menu lists the user's reach, not the orgs above
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.programme:
        qs = qs.filter(programme=f.programme)
    if f.mode:
        qs = qs.filter(mode=f.mode)
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.status:
        qs = qs.filter(status=f.status)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(code__istartswith=q) | Q(title__icontains=q) | Q(org__name__icontains=q)
                       | Q(provider__icontains=q))
    return qs


def annotate_figures(qs):
    """Seats taken, sessions, class hours and the first session of each course, as subqueries
    (no row multiplication, one query for a page)."""
    from ..models.enrolment import SEAT_STATUSES, Enrolment

    live_sessions = CourseSession.objects.filter(course=OuterRef("pk"), is_cancelled=False).order_by()
    seats = (Enrolment.objects.filter(course=OuterRef("pk"), status__in=SEAT_STATUSES).order_by()
             .values("course").annotate(n=Count("pk")).values("n"))
    waiting = (Enrolment.objects.filter(course=OuterRef("pk"), status="WAITLISTED").order_by()
               .values("course").annotate(n=Count("pk")).values("n"))
    count = live_sessions.values("course").annotate(n=Count("pk")).values("n")
    hours = live_sessions.values("course").annotate(h=Sum("hours")).values("h")
    first = live_sessions.values("course").annotate(m=Min("starts_at")).values("m")
    return qs.annotate(
        seats=Coalesce(Subquery(seats, output_field=IntegerField()), Value(0)),
        waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0)),
        session_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        total_hours=Subquery(hours, output_field=DecimalField(max_digits=8, decimal_places=1)),
        first_at=Subquery(first),
    )


def course_rows():
    return annotate_figures(Course.objects.select_related("org", "town", "school", "host_enterprise"))


def course_page(user, f: CourseFilters, *, after=None, size=None):
    return keyset_page(filtered_courses(user, f), after=after, size=size, load=course_rows())


def status_counts(user, f: CourseFilters):
    rows = filtered_courses(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def course_detail(course):
    return course_rows().get(pk=course.pk)


def course_sessions(course):
    return list(course.sessions.select_related("teacher").order_by("starts_at", "id"))


def organiser_choices(user):
    """Where the user may organise a course: the top orgs of their reach for training.change and
    their direct children (a short menu: a chair's union; a town and its unions; the district and
    its towns)."""
    from gonghui.core.selectors import reach_orgs

    return [o for o in reach_orgs(user, CHANGE) if o.is_active and o.level != OrgLevel.GROUP]


def school_choices(org):
    """Running schools a course of `org` may use: run in its subtree or above it (the town's, the
    district's)."""
    from .schools import usable_schools

    return usable_schools(org).select_related("org")


def teacher_choices(org):
    """Teachers of the pool a course of `org` may use: registered in its subtree or above it."""
    from .schools import usable_teachers

    return usable_teachers(org)


def enterprise_choices(org):
    """Enterprises a class may be sent into: those of the organiser's town (all for the district)."""
    from gonghui.orgs.models import Enterprise

    qs = Enterprise.objects.all()
    if org is not None and org.level != OrgLevel.DISTRICT:
        town = org.town()
        qs = qs.filter(town=town) if town else qs.none()
    return qs.order_by("name", "id")


# --- overview and due soon ----------------------------------------------------------------------

def overview_card(user):
    """Courses on the training overview: open for enrolment, running, held this year. One
    aggregate scoped query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = today().year
    c = courses(user).order_by().aggregate(
        open=Count("pk", filter=Q(status=CourseStatus.OPEN)),
        closed=Count("pk", filter=Q(status=CourseStatus.CLOSED)),
        year=Count("pk", filter=Q(year=year) & ~Q(status=CourseStatus.CANCELLED)),
        draft=Count("pk", filter=Q(status=CourseStatus.DRAFT)))
    url = reverse("training:course_list")
    return Card(title=_("Courses"), url=url, rows=[
        Row(_("Open for enrolment"), c["open"], url + "?status=OPEN"),
        Row(_("Enrolment closed, running"), c["closed"], url + "?status=CLOSED"),
        Row(_("Drafts"), c["draft"], url + "?status=DRAFT"),
        Row(_("Courses this year"), c["year"], url + f"?year={year}"),
    ])


def due_courses_summary(user):
    """Dashboard line for organisers (`training.change`): courses whose last session has ended
    but are not finished yet (overdue: completion waits on it) and drafts whose first session is
    within `starting_soon_days` (soon: open enrolment). One aggregate query (the dashboard calls
    every due source on every view)."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    at = timezone.now()
    live = CourseSession.objects.filter(course=OuterRef("pk"), is_cancelled=False)
    ended = Exists(live.filter(ends_at__lt=at)) & ~Exists(live.filter(ends_at__gte=at))
    starting = Exists(live.filter(starts_at__gte=at,
                                  starts_at__lt=at + datetime.timedelta(days=rules().starting_soon_days)))
    figures = Course.objects.visible_to(user, CHANGE).order_by().aggregate(
        overdue=Count("pk", filter=Q(status__in=(CourseStatus.OPEN, CourseStatus.CLOSED)) & Q(ended)),
        soon=Count("pk", filter=Q(status=CourseStatus.DRAFT) & Q(starting)))
    overdue, soon = figures["overdue"], figures["soon"]
    if not overdue and not soon:
        return None
    return DueSummary(label=_("Courses to finish or open"), overdue=overdue, soon=soon,
                      url=reverse("training:course_list"))


DUE_SOURCES = (due_courses_summary,)
