"""Reads of enrolments; every read that takes a user is scoped (`Enrolment` through the course
organiser's subtree and the trainee's union's)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.members.models import LIVE_STATUSES, Person
from gonghui.orgs.models import Org, OrgLevel

from ..models.courses import Course, CourseStatus
from ..models.enrolment import SEAT_STATUSES, Enrolment, EnrolmentStatus
from ..policies.enrolment import CHANGE, VIEW

# Due-soon sources this area registers with the dashboard (see core.overview).
DUE_SOURCES = ()


def today():
    return timezone.localdate()


def enrolments(user, action=VIEW):
    return Enrolment.objects.visible_to(user, action)


@dataclass(frozen=True)
class EnrolmentFilters:
    q: str = ""
    org: Org | None = None
    course: Course | None = None
    year: int | None = None
    status: str = ""
    channel: str = ""
    programme: str = ""

    def as_audit(self):
        return {"q": self.q, "course": self.course.pk if self.course else None, "year": self.year,
                "status": self.status, "channel": self.channel, "programme": self.programme}


def filtered_enrolments(user, f: EnrolmentFilters):
    qs = enrolments(user)
    if f.org is not None:
        qs = qs.filter(Q(union__path__startswith=f.org.path) | Q(course__org__path__startswith=f.org.path))
    if f.course is not None:
        qs = qs.filter(course=f.course)
    if f.year:
        qs = qs.filter(course__year=f.year)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.programme:
        qs = qs.filter(course__programme=f.programme)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(person__name__startswith=q) | Q(course__title__icontains=q) | Q(course__code=q)
                       | Q(union__name__icontains=q))
    return qs


def enrolment_rows():
    return Enrolment.objects.select_related("course", "person", "union", "town")


def enrolment_page(user, f: EnrolmentFilters, *, after=None, size=None):
    return keyset_page(filtered_enrolments(user, f), after=after, size=size, load=enrolment_rows())


def status_counts(user, f: EnrolmentFilters):
    rows = filtered_enrolments(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def enrolment_detail(enrolment):
    return enrolment_rows().select_related("course__org", "enrolled_by").get(pk=enrolment.pk)


# --- places on a course --------------------------------------------------------------------------

@dataclass(frozen=True)
class Places:
    capacity: int
    seats: int
    waiting: int
    waitlist_limit: int
    cancelled: int

    @property
    def free(self):
        return max(self.capacity - self.seats, 0)

    @property
    def waiting_room(self):
        return max(self.waitlist_limit - self.waiting, 0)


def places(course) -> Places:
    """Seats taken, people waiting, cancellations of a course (one aggregate query)."""
    c = Enrolment.objects.filter(course=course).order_by().aggregate(
        seats=Count("pk", filter=Q(status__in=SEAT_STATUSES)),
        waiting=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=EnrolmentStatus.CANCELLED)))
    return Places(capacity=course.capacity, seats=c["seats"], waiting=c["waiting"],
                  waitlist_limit=course.waitlist_limit, cancelled=c["cancelled"])


def course_enrolments(user, course, *, limit=300):
    """The live places of `course` the user may see: seats first, then the waiting list in order."""
    qs = (enrolments(user).filter(course=course).exclude(status=EnrolmentStatus.CANCELLED)
          .select_related("person", "union"))
    return list(qs.order_by(F("waitlist_position").asc(nulls_first=True), "pk")[:limit])


# --- choosing people ---------------------------------------------------------------------------------

def union_choices(user, q="", limit=50, *, within=None):
    """Active grassroots unions where the user may enrol members (inside `within`'s subtree), by name."""
    qs = Org.objects.visible_to(user, CHANGE).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if within is not None and within.level != OrgLevel.DISTRICT:
        qs = qs.filter(path__startswith=within.path)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def member_choices(union, q=""):
    """Live members of a union (people), by name."""
    qs = Person.objects.filter(memberships__union=union, memberships__status__in=LIVE_STATUSES)
    if q:
        qs = qs.filter(name__startswith=q.strip())
    return qs.order_by("name", "pk").distinct()


MEMBER_PAGE = 50


@dataclass(frozen=True)
class MemberPage:
    people: list
    number: int
    pages: int
    total: int

    @property
    def first(self):
        return (self.number - 1) * MEMBER_PAGE + 1 if self.total else 0

    @property
    def last(self):
        return min(self.number * MEMBER_PAGE, self.total)


def member_page(members, course, number=1) -> MemberPage:
    """One page of the member picker (`MEMBER_PAGE` people, by name); each person carries
    `on_course` (already holds a place on `course`). Three queries."""
    total = members.count()
    pages = max((total + MEMBER_PAGE - 1) // MEMBER_PAGE, 1)
    number = min(max(number, 1), pages)
    start = (number - 1) * MEMBER_PAGE
    people = list(members[start:start + MEMBER_PAGE])
    on = set(Enrolment.objects.filter(course=course, person__in=people, status__in=(*SEAT_STATUSES,
                                                                                  EnrolmentStatus.WAITLISTED))
             .values_list("person_id", flat=True))
    for p in people:
        p.on_course = p.pk in on
    return MemberPage(people=people, number=number, pages=pages, total=total)


def ancestor_paths(org):
    return [org.path[:i] for i in range(org.steplen, len(org.path) + 1, org.steplen)]


def courses_open_to_union(union):
    """OPEN courses a union's members may be enrolled in: organised by the union or above it."""
    return (Course.objects.filter(status=CourseStatus.OPEN, org__path__in=ancestor_paths(union))
            .select_related("org", "school").order_by("-id"))


def may_enrol_in(user, course) -> bool:
    """The organiser, or someone who runs a union inside the course's area."""
    if not user.is_authenticated:
        return False
    return user.can(CHANGE, course.org) or bool(union_choices(user, limit=1, within=course.org))


def courses_for_enrolling(user, limit=100, q=""):
    """OPEN courses the user may enrol people in: those the user organises (`training.change`
    on the course's org), and those open to a union the user runs; `q`: part of the title or the
    course number. Newest first, at most `limit`."""
    own = Course.objects.visible_to(user, CHANGE).filter(status=CourseStatus.OPEN)
    paths = set()
    for union in union_choices(user, limit=limit):
        paths.update(ancestor_paths(union))
    above = Course.objects.filter(status=CourseStatus.OPEN, org__path__in=paths)
    q = (q or "").strip()
    if q:
        match = Q(title__icontains=q) | Q(code__iexact=q)
        own, above = own.filter(match), above.filter(match)
    ids = set(own.order_by("-id").values_list("pk", flat=True)[:limit]) | set(
        above.order_by("-id").values_list("pk", flat=True)[:limit])
    return list(Course.objects.filter(pk__in=ids).select_related("org").order_by("-id")[:limit])


# --- the member pages --------------------------------------------------------------------------------

def my_enrolments(person):
    if person is None:
        return []
    from django.db.models import Prefetch

    from ..models.courses import CourseSession

    upcoming = CourseSession.objects.filter(is_cancelled=False, ends_at__gte=timezone.now()).order_by("starts_at")
    return list(person.training_enrolments.select_related("course", "course__org", "course__school")
                .prefetch_related(Prefetch("course__sessions", queryset=upcoming, to_attr="upcoming"))
                .order_by("-enrolled_at", "-pk")[:100])


def courses_in_reach(person):
    """Courses whose organiser's area includes the person's live union (or district courses for
    everyone): what a member may even name on the member pages (others are 404)."""
    from ..services.enrolment import live_unions

    union = live_unions([person]).get(person.pk)
    if union is None:
        return Course.objects.filter(org__level=OrgLevel.DISTRICT)
    return Course.objects.filter(Q(org__path__in=ancestor_paths(union)) | Q(org__level=OrgLevel.DISTRICT))


def courses_open_to_person(person, *, limit=50):
    """OPEN courses taking self-enrolment today whose organiser's area includes the person's union
    (a members-only course needs a live membership), that the person is not on yet."""
    from ..services.enrolment import live_unions

    if person is None:
        return []
    day = today()
    union = live_unions([person]).get(person.pk)
    qs = Course.objects.filter(status=CourseStatus.OPEN, self_enrolment=True).filter(
        Q(enrol_opens_on__isnull=True) | Q(enrol_opens_on__lte=day),
        Q(enrol_closes_on__isnull=True) | Q(enrol_closes_on__gte=day))
    if union is not None:
        qs = qs.filter(Q(org__path__in=ancestor_paths(union)) | Q(org__level=OrgLevel.DISTRICT))
    else:
        qs = qs.filter(members_only=False, org__level=OrgLevel.DISTRICT)
    qs = qs.filter(~Exists(Enrolment.objects.filter(course=OuterRef("pk"), person=person,
                                                   status__in=(*SEAT_STATUSES, EnrolmentStatus.WAITLISTED))))
    qs = qs.annotate(seats_taken=Count("enrolments", filter=Q(enrolments__status__in=SEAT_STATUSES)),
                     waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)))
    courses = list(qs.select_related("org", "school").prefetch_related("sessions").order_by("-id")[:limit])
    for c in courses:
        c.seats_free = max(c.capacity - c.seats_taken, 0)
        c.waiting_free = max(c.waitlist_limit - c.waiting, 0)
    mark_clashes(person, courses)
    return courses


def mark_clashes(person, courses):
    """Set `clash` on each course (the first session of another course where the person holds a
    place that overlaps one of its sessions, or None), as enrolling would refuse. Courses come
    with their `sessions` prefetched; one query."""
    from ..models.courses import CourseSession
    from ..rules.enrolment import rules

    held = (*SEAT_STATUSES, EnrolmentStatus.WAITLISTED) if rules().waitlist_blocks_overlap else SEAT_STATUSES
    booked = list(CourseSession.objects.filter(
        is_cancelled=False, course__enrolments__person=person, course__enrolments__status__in=held)
        .exclude(course__status=CourseStatus.CANCELLED).select_related("course").order_by("starts_at", "pk"))
    for c in courses:
        c.clash = next((b for s in c.sessions.all() if not s.is_cancelled for b in booked
                        if b.course_id != c.pk and b.starts_at < s.ends_at and b.ends_at > s.starts_at), None)


# --- overview ------------------------------------------------------------------------------------------

def overview_card(user):
    """Enrolments on the training overview: places held and waiting this year, cancellations.
    One aggregate scoped query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = today().year
    c = enrolments(user).filter(course__year=year).order_by().aggregate(
        seats=Count("pk", filter=Q(status__in=SEAT_STATUSES)),
        waiting=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=EnrolmentStatus.CANCELLED)))
    url = reverse("training:enrolment_list")
    return Card(title=_("Enrolments %(year)s") % {"year": year}, url=url + f"?year={year}", rows=[
        Row(_("Places taken"), c["seats"], url + f"?year={year}&status=ENROLLED"),
        Row(_("On waiting lists"), c["waiting"], url + f"?year={year}&status=WAITLISTED"),
        Row(_("Cancelled"), c["cancelled"], url + f"?year={year}&status=CANCELLED"),
    ])
