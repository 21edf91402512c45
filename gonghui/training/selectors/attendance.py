"""Reads of attendance, completion and certificates. Every read that takes a user is scoped:
sessions through `Course.objects.visible_to`, certificates through their enrolment
(`Enrolment.objects.visible_to`: the organiser's subtree and the trainee's union's)."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.overview import Card, Row
from gonghui.core.pagination import KeysetPage

from ..models.attendance import PRESENT_STATUSES, Attendance, AttendanceStatus, Certificate, CertificateStatus
from ..models.courses import Course, CourseSession
from ..models.enrolment import SEAT_STATUSES, Enrolment, EnrolmentStatus
from ..policies.attendance import CHANGE, VIEW, can

# Due-soon sources this area registers with the dashboard (see core.overview).
DUE_SOURCES = ()


def visible_courses(user, action=VIEW):
    return Course.objects.visible_to(user, action)


def visible_sessions(user, action=VIEW):
    return CourseSession.objects.filter(course__in=visible_courses(user, action).values("pk"))


def certificates(user, action=VIEW):
    """Certificates of the enrolments `Enrolment.objects.visible_to(user, action)` returns: the
    organiser's subtree or the trainee's union's, as `course IN (…) OR union IN (…)` (a scope of
    several lookups, `core.scoping.scope_q`), not every enrolment joined to its course and tested
    against 13k org ids (≈2× less SQL for a district; every certificate list query passes it)."""
    return Certificate.objects.filter(enrolment__in=Enrolment.objects.visible_to(user, action).values("pk"))


# --- certificate list ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateFilters:
    q: str = ""
    year: int | None = None
    status: str = ""
    course: int | None = None


def filtered_certificates(user, f: CertificateFilters):
    qs = certificates(user)
    if f.year:
        qs = qs.filter(issued_on__year=f.year)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.course:
        qs = qs.filter(enrolment__course_id=f.course)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(holder_name__startswith=q) | Q(number__iexact=q) | Q(course_title__icontains=q))
    return qs


def certificate_rows():
    return Certificate.objects.select_related("enrolment__course", "enrolment__person")


def certificate_page(user, f: CertificateFilters, *, after=None, size=None, counts=None):
    """Newest issue date first (ties: newest id), keyset by the last row's id: the cursor row's
    date is read back (within the same filters, so a foreign id is no cursor), and the page is the
    rows strictly after (issued_on, id) in that order. Four queries whatever the page or table:
    capped count, cursor, page keys, rows. `Certificate.Meta.indexes` has (issued_on, id).

    `counts`: the `status_counts` of the same filters when the caller has them (the list page):
    the capped count is then read from them (the same figure) instead of a third pass of the scope.
    Otherwise the capped count reads each match's date with its key: when those are all of the
    matches (a town's few hundred), the page is cut from them, the same order and cursor rule,
    without passing the scope again (as `keyset_page` does)."""
    size = size or settings.LIST_PAGE_SIZE
    cap = settings.LIST_COUNT_CAP
    qs = filtered_certificates(user, f)
    if counts is None:
        head = list(qs.order_by().values_list("pk", "issued_on")[: cap + 1])
        count, capped = (cap, True) if len(head) > cap else (len(head), False)
        if not capped:
            return _page_from(head, after, size, count)
    else:
        n = counts.get(f.status, 0) if f.status else sum(counts.values())
        count, capped = (cap, True) if n > cap else (n, False)
    keys = qs.order_by("-issued_on", "-id")
    cursor = qs.filter(pk=after).values_list("issued_on", flat=True).first() if after else None
    if cursor is not None:
        keys = keys.filter(Q(issued_on__lt=cursor) | Q(issued_on=cursor, pk__lt=after))
    keys = list(keys.values_list("pk", flat=True)[: size + 1])
    has_more = len(keys) > size
    keys = keys[:size]
    rows = list(certificate_rows().filter(pk__in=keys).order_by("-issued_on", "-id")) if keys else []
    return KeysetPage(items=rows, next_after=rows[-1].pk if has_more and rows else None,
                      has_previous=cursor is not None, count=count, count_capped=capped)


def _page_from(matches, after, size, count):
    """`certificate_page` cut from every match's (key, issue date): newest date first, ties newest
    key; after the cursor row when `after` is one of them (a foreign id is no cursor)."""
    ordered = sorted(matches, key=lambda m: (m[1], m[0]), reverse=True)
    cursor = next((day for pk, day in ordered if pk == after), None) if after else None
    if cursor is not None:
        ordered = [m for m in ordered if (m[1], m[0]) < (cursor, after)]
    keys = [pk for pk, _day in ordered[: size + 1]]
    has_more = len(keys) > size
    keys = keys[:size]
    rows = list(certificate_rows().filter(pk__in=keys).order_by("-issued_on", "-id")) if keys else []
    return KeysetPage(items=rows, next_after=rows[-1].pk if has_more and rows else None,
                      has_previous=cursor is not None, count=count, count_capped=False)


def status_counts(user, f: CertificateFilters) -> dict:
    rows = filtered_certificates(user, CertificateFilters(q=f.q, year=f.year, course=f.course)) \
        .values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


# --- a session's list entry ----------------------------------------------------------------------

@dataclass
class SheetRow:
    enrolment: Enrolment
    attendance: Attendance | None

    @property
    def status(self):
        return self.attendance.status if self.attendance else ""


def session_sheet(session) -> list[SheetRow]:
    """The seat holders of the session's course, each with their attendance at it (2 queries)."""
    seats = list(Enrolment.objects.filter(course_id=session.course_id, status__in=SEAT_STATUSES)
                 .select_related("person", "union").order_by("person__name", "id"))
    marks = {a.enrolment_id: a for a in Attendance.objects.filter(session=session)}
    return [SheetRow(e, marks.get(e.pk)) for e in seats]


# --- the course panel ------------------------------------------------------------------------------

@dataclass
class SessionLine:
    session: CourseSession
    present: int
    marked: int


@dataclass
class TraineeLine:
    enrolment: Enrolment
    share: Decimal | None
    certificate: Certificate | None


def course_panel(course) -> dict:
    """Sessions with their counts, the trainees' attended hours and certificates (4 queries)."""
    sessions = list(CourseSession.objects.filter(course=course).annotate(
        present=Count("attendances", filter=Q(attendances__status__in=PRESENT_STATUSES)),
        marked=Count("attendances")).order_by("starts_at", "id"))
    total = sum((s.hours for s in sessions if not s.is_cancelled), Decimal(0))
    attended = {r["enrolment_id"]: r["h"] or Decimal(0) for r in Attendance.objects.filter(
        session__course=course, session__is_cancelled=False, status__in=PRESENT_STATUSES)
        .values("enrolment_id").annotate(h=Sum("session__hours"))}
    seats = list(Enrolment.objects.filter(course=course, status__in=SEAT_STATUSES)
                 .select_related("person").order_by("person__name", "id"))
    certs = {c.enrolment_id: c for c in Certificate.objects.filter(enrolment__course=course)}
    trainees = []
    for e in seats:
        hours = attended.get(e.pk, Decimal(0))
        e.live_hours = hours
        trainees.append(TraineeLine(e, (hours / total) if total else None, certs.get(e.pk)))
    return {"sessions": sessions, "total_hours": total, "trainees": trainees,
            "completed": sum(1 for e in seats if e.status == EnrolmentStatus.COMPLETED),
            "not_completed": sum(1 for e in seats if e.status == EnrolmentStatus.NOT_COMPLETED),
            "pending_certificates": sum(1 for e in seats if e.status == EnrolmentStatus.COMPLETED
                                        and e.pk not in certs),
            "certificates": len(certs)}


def my_certificates(person):
    if person is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(enrolment__person=person).order_by("-issued_on", "-id")


def overview_card(user):
    if not can(user, VIEW):
        return None
    year = timezone.localdate().year
    certs = certificates(user).aggregate(
        issued=Count("id", filter=Q(issued_on__year=year)),
        revoked=Count("id", filter=Q(status=CertificateStatus.REVOKED)))
    url = reverse("training:certificate_list")
    return Card(title=_("Attendance and certificates"), url=url, rows=[
        Row(_("Certificates issued this year"), certs["issued"], f"{url}?year={year}"),
        Row(_("Certificates revoked"), certs["revoked"], f"{url}?status={CertificateStatus.REVOKED}"),
    ])


def can_record(user, course) -> bool:
    return can(user, CHANGE, course.org)


STATUS_CHOICES = AttendanceStatus.choices
