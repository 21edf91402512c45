"""Every write of enrolments. Atomic, checked (`require`), locked, validated, audited
(`training.enrolment_*`).

Placing people on a course (`enrol`, `enrol_members`, `enrol_self`) locks the course row first, so
concurrent enrolments queue up: while seats are free a person is ENROLLED; then, while the waiting
list has room (`Course.waitlist_limit`, 0 = no list), WAITLISTED at the next place (1, 2, 3… without
gaps); then the course is full and the request is refused. The people's rows are locked next (by
pk), so one person enrolled in two courses at the same moment cannot slip past the overlap rule.

Eligibility, checked for every person: the course is OPEN and today is inside its enrolment window;
a live member when the course is members-only; skill level at least the course's minimum; the
person's union inside the organiser's subtree (a district course is open to every union); not
already on the course; no session of the course overlapping in time a session of another course the
person holds a seat or a waiting-list place in (the refusal names that course and session).

Cancelling frees the place: a seat goes to the first of the waiting list (automatic promotion, in
order), and everyone behind a cancelled waiting place moves up one. `promote_waitlist` does the
same after the course's capacity grows (the courses area calls it when the capacity is raised).
"""

import tempfile
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock, lock_one
from gonghui.core.policies import require
from gonghui.members.models import LIVE_STATUSES, Membership, Person, SkillLevel
from gonghui.orgs.models import OrgLevel

from ..models.courses import Course, CourseSession, CourseStatus
from ..models.enrolment import (
    LIVE_ENROLMENT_STATUSES,
    SEAT_STATUSES,
    Enrolment,
    EnrolmentChannel,
    EnrolmentStatus,
)
from ..policies.enrolment import CANCELLABLE, CHANGE, EXPORT, RUNNING_COURSE
from ..rules.enrolment import rules

SKILL_RANK = {level: i for i, level in enumerate(SkillLevel.values)}  # NONE < LEVEL5 < … < LEVEL1
ENROLMENT_FIELDS = ["status", "waitlist_position", "channel", "promoted_at", "cancelled_at", "cancel_reason"]
_OFFSET = 1_000_000  # waiting-list places are moved through this range so no two rows ever share one


def today():
    return timezone.localdate()


# --- errors ---------------------------------------------------------------------------------------

class EnrolmentRowsError(DomainError):
    """A bulk enrolment refused as a whole: `rows` = [{"person": id, "name": str, "code": str,
    "message": str}] — one line for each person who cannot be enrolled."""

    def __init__(self, rows):
        self.rows = rows
        text = "; ".join(f"{r['name']}: {r['message']}" for r in rows[:20])
        if len(rows) > 20:
            text += " …"
        super().__init__(_("Nobody was enrolled; %(n)s person(s) cannot be: %(detail)s")
                         % {"n": len(rows), "detail": text}, code="not_eligible", field="people")


@dataclass
class Refusal:
    code: str
    message: str
    field: str = "person"

    def error(self):
        return DomainError(self.message, code=self.code, field=self.field)


# --- helpers -------------------------------------------------------------------------------------

def _snapshot(x):
    return audit.snapshot(x, fields=ENROLMENT_FIELDS)


def _in_subtree(org, root) -> bool:
    return org is not None and root is not None and org.path.startswith(root.path)


def course_open_refusal(course, *, day=None):
    """Why nobody can enrol in `course` now (a Refusal), or None."""
    day = day or today()
    if course.status != CourseStatus.OPEN:
        return Refusal("not_open", _("Enrolment is not open: the course is “%(status)s”.")
                       % {"status": course.get_status_display()}, "course")
    if course.enrol_opens_on and day < course.enrol_opens_on:
        return Refusal("window", _("Enrolment opens on %(day)s.") % {"day": course.enrol_opens_on.isoformat()},
                       "course")
    if course.enrol_closes_on and day > course.enrol_closes_on:
        return Refusal("window", _("Enrolment closed on %(day)s.") % {"day": course.enrol_closes_on.isoformat()},
                       "course")
    return None


def live_unions(people):
    """{person id: the union of their live membership} (the latest joined), one query."""
    out = {}
    rows = (Membership.objects.filter(person__in=people, status__in=LIVE_STATUSES).select_related("union")
            .order_by("person_id", "-joined_on", "-pk"))
    for m in rows:
        out.setdefault(m.person_id, m.union)
    return out


def person_refusal(course, person, union, *, required_union=None):
    """Why `person` (whose live union is `union`, or None) cannot be on `course` apart from the
    overlap rule and places (a Refusal), or None."""
    if required_union is not None and (union is None or union.pk != required_union.pk):
        return Refusal("not_a_member", _("%(name)s is not a live member of %(union)s.")
                       % {"name": person.name, "union": required_union.name})
    if course.members_only and union is None:
        return Refusal("not_a_member", _("%(name)s is not a live trade-union member; the course is for members "
                                         "only.") % {"name": person.name})
    if course.min_skill_level and SKILL_RANK.get(person.skill_level, 0) < SKILL_RANK.get(course.min_skill_level, 0):
        return Refusal("skill_level", _("%(name)s's skill level (%(level)s) is below the course's minimum "
                                        "(%(min)s).") % {"name": person.name,
                                                         "level": person.get_skill_level_display(),
                                                         "min": course.get_min_skill_level_display()})
    if union is not None and course.org.level != OrgLevel.DISTRICT and not _in_subtree(union, course.org):
        return Refusal("out_of_area", _("%(name)s's union (%(union)s) is outside the area of the organiser "
                                        "(%(org)s).") % {"name": person.name, "union": union.name,
                                                         "org": course.org.name})
    return None


def clashes(course, people):
    """{person id: (other course, its session)} for people holding a place in another course whose
    (not cancelled) session overlaps a session of `course`. One query for all the people."""
    sessions = list(course.sessions.filter(is_cancelled=False).values_list("starts_at", "ends_at"))
    if not sessions:
        return {}
    overlap = Q()
    for starts_at, ends_at in sessions:
        overlap |= Q(starts_at__lt=ends_at, ends_at__gt=starts_at)
    held = LIVE_ENROLMENT_STATUSES if rules().waitlist_blocks_overlap else SEAT_STATUSES
    rows = (Enrolment.objects.filter(person__in=people, status__in=held)
            .exclude(course=course).exclude(course__status=CourseStatus.CANCELLED)
            .values_list("person_id", "course_id"))
    courses_of = {}
    for person_id, course_id in rows:
        courses_of.setdefault(course_id, []).append(person_id)
    if not courses_of:
        return {}
    found = {}
    for s in (CourseSession.objects.filter(overlap, course_id__in=courses_of, is_cancelled=False)
              .select_related("course").order_by("starts_at", "pk")):
        for person_id in courses_of[s.course_id]:
            found.setdefault(person_id, s)
    return found


def refuse_trainee_clashes(*, course, starts_at, ends_at, session=None):
    """Called by the courses area before a session of `course` is added or moved to
    [`starts_at`, `ends_at`): refuse (DomainError `trainee_clash`, naming the trainees and their
    other course) when a trainee holding a place on `course` — a seat, or a waiting place when
    `waitlist_blocks_overlap` — also holds one on another course with a session at that time.
    The trainees' rows are locked (after the course's, as enrolling does), so a concurrent
    enrolment elsewhere cannot slip between the check and the change."""
    held = LIVE_ENROLMENT_STATUSES if rules().waitlist_blocks_overlap else SEAT_STATUSES
    trainees = list(Enrolment.objects.filter(course=course, status__in=held).values_list("person_id", flat=True))
    if not trainees:
        return
    lock(Person.objects.filter(pk__in=trainees))
    others = (Enrolment.objects.filter(person_id__in=trainees, status__in=held).exclude(course=course)
              .exclude(course__status=CourseStatus.CANCELLED))
    sessions = (CourseSession.objects.filter(course_id__in=others.values("course_id"), is_cancelled=False,
                                             starts_at__lt=ends_at, ends_at__gt=starts_at)
                .select_related("course").order_by("starts_at", "pk"))
    first_of_course = {}
    for s in sessions:
        first_of_course.setdefault(s.course_id, s)
    if not first_of_course:
        return
    rows = (others.filter(course_id__in=first_of_course).select_related("person")
            .order_by("person__name", "person_id", "course_id"))
    lines, seen = [], set()
    for x in rows:
        if x.person_id in seen:
            continue
        seen.add(x.person_id)
        s = first_of_course[x.course_id]
        lines.append(_("%(name)s (“%(course)s”, %(when)s)")
                     % {"name": x.person.name, "course": s.course.title,
                        "when": timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M")})
    shown = "; ".join(lines[:10]) + (" …" if len(lines) > 10 else "")
    raise DomainError(_("This time would double-book %(n)s trainee(s) who hold a place on another course then: "
                        "%(who)s. Choose another time, or cancel one of their places first.")
                      % {"n": len(lines), "who": shown}, code="trainee_clash", field="starts_at")


def clash_refusal(person, session):
    return Refusal("overlap", _("%(name)s already has a place in “%(course)s”, whose session of %(when)s "
                                "(%(topic)s) overlaps this course's schedule.")
                   % {"name": person.name, "course": session.course.title,
                      "when": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
                      "topic": session.title or "—"})


def _places(course):
    """(seats taken, people waiting, last waiting place) of a locked course."""
    seats = Enrolment.objects.filter(course=course, status__in=SEAT_STATUSES).count()
    waiting = Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITLISTED).aggregate(
        n=Max("waitlist_position"))["n"] or 0
    return seats, waiting


def _full_refusal(course):
    if course.waitlist_limit:
        return Refusal("full", _("The course is full: all %(seats)s seats are taken and the waiting list "
                                 "(%(limit)s places) is full.") % {"seats": course.capacity,
                                                                    "limit": course.waitlist_limit}, "course")
    return Refusal("full", _("The course is full: all %(seats)s seats are taken.") % {"seats": course.capacity},
                   "course")


def _town_of(union, cache):
    if union is None:
        return None
    if union.pk not in cache:
        cache[union.pk] = union.town()
    return cache[union.pk]


def _place_people(*, actor, course, people, channel, required_union=None, forced_unions=None):
    """Check and place `people` (in the given order) on the locked `course`. All or nothing:
    EnrolmentRowsError with a line per refused person. Returns the new enrolments."""
    course = lock_one(Course, course.pk)
    refused = course_open_refusal(course)
    if refused:
        raise refused.error()
    seen, unique = set(), []
    for p in people:
        if p.pk not in seen:
            seen.add(p.pk)
            unique.append(p)
    people = lock(Person.objects.filter(pk__in=[p.pk for p in unique]))
    by_pk = {p.pk: p for p in people}
    people = [by_pk[p.pk] for p in unique]
    unions = live_unions(people)
    if forced_unions:
        unions.update(forced_unions)
    already = set(Enrolment.objects.filter(course=course, person__in=people, status__in=LIVE_ENROLMENT_STATUSES)
                  .values_list("person_id", flat=True))
    clash = clashes(course, people)
    rows = []
    for p in people:
        if p.pk in already:
            r = Refusal("already_enrolled", _("%(name)s is already on this course.") % {"name": p.name})
        else:
            r = person_refusal(course, p, unions.get(p.pk), required_union=required_union)
            if r is None and p.pk in clash:
                r = clash_refusal(p, clash[p.pk])
        if r is not None:
            rows.append({"person": p.pk, "name": p.name, "code": r.code, "message": r.message})
    seats, last = _places(course)
    free_seats = max(course.capacity - seats, 0)
    room = free_seats + max(course.waitlist_limit - last, 0)
    fit = [p for p in people if p.pk not in {r["person"] for r in rows}]
    if len(fit) > room:
        if len(people) == 1:
            raise _full_refusal(course).error()
        for p in fit[room:]:
            rows.append({"person": p.pk, "name": p.name, "code": "full",
                         "message": _("no place left (%(free)s seat(s) and %(wait)s waiting place(s) were free).")
                         % {"free": free_seats, "wait": max(course.waitlist_limit - last, 0)}})
    if rows:
        if len(people) == 1:
            raise DomainError(rows[0]["message"], code=rows[0]["code"], field="person")
        raise EnrolmentRowsError(rows)
    now, towns, created = timezone.now(), {}, []
    for p in people:
        union = unions.get(p.pk)
        x = Enrolment(course=course, person=p, union=union, town=_town_of(union, towns), channel=channel,
                      enrolled_by=actor if getattr(actor, "pk", None) else None, enrolled_at=now)
        if free_seats > 0:
            x.status, free_seats = EnrolmentStatus.ENROLLED, free_seats - 1
        else:
            last += 1
            x.status, x.waitlist_position = EnrolmentStatus.WAITLISTED, last
        created.append(x)
    try:
        with transaction.atomic():
            created = Enrolment.objects.bulk_create(created)
    except IntegrityError as exc:  # a concurrent enrolment of the same person won the race
        raise DomainError(_("One of these people was enrolled in this course at the same moment; try again."),
                          code="already_enrolled", field="person") from exc
    for x in created:
        audit.record(actor=actor, action="training.enrolment_enrol", obj=x, org=course.org,
                     after={**_snapshot(x), "person": x.person_id, "course": course.pk,
                            "union": x.union_id})
    return created


# --- enrolling ------------------------------------------------------------------------------------

@transaction.atomic
def enrol(*, actor, course, person) -> Enrolment:
    """The organiser (`training.change` on the course's org) enrols one eligible person."""
    require(actor, CHANGE, course.org)
    if person is None:
        raise DomainError(_("Choose the person to enrol."), code="required", field="person")
    return _place_people(actor=actor, course=course, people=[person], channel=EnrolmentChannel.STAFF)[0]


@transaction.atomic
def enrol_members(*, actor, course, union, people) -> list[Enrolment]:
    """A union (`training.change` on it) enrols live members of its own, all or nothing: one
    refused person refuses the whole request with a line for each refused person."""
    require(actor, CHANGE, union)
    if union.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("Members are enrolled by their grassroots union: choose the union."),
                          code="not_a_union", field="union")
    people = list(people)
    if not people:
        raise DomainError(_("Choose at least one member to enrol."), code="required", field="people")
    limit = rules().bulk_limit
    if len(people) > limit:
        raise DomainError(_("At most %(n)s people can be enrolled at once.") % {"n": limit}, code="too_many",
                          field="people")
    return _place_people(actor=actor, course=course, people=people, channel=EnrolmentChannel.UNION,
                         required_union=union)


@transaction.atomic
def enrol_self(*, user, person, course) -> Enrolment:
    """A member enrols themself from the member pages (`person` = person_of_account(user))."""
    if person is None:
        raise DomainError(_("Your login is not linked to a member record."), code="no_person")
    if not course.self_enrolment:
        raise DomainError(_("This course takes enrolments through the unions only; ask your union."),
                          code="no_self_enrolment", field="course")
    return _place_people(actor=user, course=course, people=[person], channel=EnrolmentChannel.SELF)[0]


# --- cancelling and promotion -----------------------------------------------------------------------

def _shift_up(course, after_position, by):
    """Everyone waiting behind `after_position` moves up `by` places (two updates: through a
    range no real place uses, so the unique place index never sees two rows on one place)."""
    waiting = Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITLISTED)
    moved = waiting.filter(waitlist_position__gt=after_position).update(
        waitlist_position=F("waitlist_position") + _OFFSET)
    if moved:
        waiting.filter(waitlist_position__gt=_OFFSET).update(waitlist_position=F("waitlist_position") - _OFFSET - by)


def _promote(actor, course):
    """Seats free on the locked `course` go to the first of its waiting list, in order. Each
    waiting person is checked again first (still a live member when the course is members-only,
    skill level, union inside the organiser's area, no clash with another place taken since): one
    who no longer qualifies is taken off the list (CANCELLED, the reason written down, audited
    `training.enrolment_skip`, told) and the next one is tried."""
    if course.status not in RUNNING_COURSE:
        return []
    seats, _last = _places(course)
    free = course.capacity - seats
    if free <= 0:
        return []
    queue = list(Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITLISTED)
                 .order_by("waitlist_position").values_list("pk", flat=True))
    if not queue:
        return []
    promoted, skipped, now, batch = [], [], timezone.now(), max(free * 2, 10)
    while queue and len(promoted) < free:
        pks, queue = queue[:batch], queue[batch:]
        rows = list(Enrolment.objects.filter(pk__in=pks).select_related("person").order_by("waitlist_position"))
        people = lock(Person.objects.filter(pk__in=[x.person_id for x in rows]))
        by_pk = {p.pk: p for p in people}
        unions, clash = live_unions(people), clashes(course, people)
        for x in rows:
            if len(promoted) >= free:
                break
            person = by_pk.get(x.person_id, x.person)
            r = person_refusal(course, person, unions.get(person.pk))
            if r is None and person.pk in clash:
                r = clash_refusal(person, clash[person.pk])
            (skipped if r else promoted).append((x, _snapshot(x), r))
    for x, _b, r in skipped:
        x.status, x.waitlist_position, x.cancelled_at = EnrolmentStatus.CANCELLED, None, now
        x.cancel_reason = (_("Taken off the waiting list when a seat freed: %(reason)s")
                           % {"reason": r.message})[:400]
        x.save(update_fields=["status", "waitlist_position", "cancelled_at", "cancel_reason", "updated_at"])
    for x, _b, _r in promoted:
        x.status, x.waitlist_position, x.promoted_at = EnrolmentStatus.ENROLLED, None, now
    if promoted:
        Enrolment.objects.filter(pk__in=[x.pk for x, _b, _r in promoted]).update(
            status=EnrolmentStatus.ENROLLED, waitlist_position=None, promoted_at=now, updated_at=now)
    used = len(promoted) + len(skipped)  # the first `used` places of the list, in order
    _shift_up(course, used, used)
    for action, group in (("training.enrolment_skip", skipped), ("training.enrolment_promote", promoted)):
        for x, before, r in group:
            b, a = audit.changed(before, _snapshot(x))
            if r is not None:
                a = {**a, "refusal": r.code}
            audit.record(actor=actor, action=action, obj=x, org=course.org, before=b, after=a)
    if rules().notify_promotion:
        _notify_promoted(course, [x for x, _b, _r in promoted])
        _notify_skipped(course, [x for x, _b, _r in skipped])
    return [x for x, _b, _r in promoted]


def _notify_skipped(course, skipped):
    from django.urls import NoReverseMatch, reverse

    from gonghui.core.notifications import notify

    try:
        url = reverse("training:my_courses")
    except NoReverseMatch:  # pragma: no cover
        url = ""
    for x in skipped:
        account = getattr(x.person, "account", None)
        if account is not None:
            notify(recipients=[account], key=f"training.enrolment_skip:{x.pk}",
                   title=_("You were taken off the waiting list of “%(course)s”") % {"course": course.title},
                   body=x.cancel_reason, url=url, org=course.org)


def _notify_promoted(course, promoted):
    from django.urls import NoReverseMatch, reverse

    from gonghui.core.notifications import notify

    try:
        url = reverse("training:my_courses")
    except NoReverseMatch:  # pragma: no cover
        url = ""
    for x in promoted:
        account = getattr(x.person, "account", None)
        if account is not None:
            notify(recipients=[account], key=f"training.enrolment_promote:{x.pk}",
                   title=_("You have a seat on “%(course)s”") % {"course": course.title},
                   body=_("A place freed up and you moved off the waiting list."), url=url, org=course.org)


def _cancel(actor, enrolment, reason):
    course = lock_one(Course, enrolment.course_id)
    x = lock_one(Enrolment, enrolment.pk)
    if x.status not in CANCELLABLE:
        raise DomainError(_("This place cannot be cancelled: it is “%(status)s”.")
                          % {"status": x.get_status_display()}, code="wrong_stage")
    if course.status not in RUNNING_COURSE:
        raise DomainError(_("Places on a course that is “%(status)s” cannot be cancelled.")
                          % {"status": course.get_status_display()}, code="wrong_stage")
    reason = (reason or "").strip()
    if len(reason) > 400:
        raise DomainError(_("The reason is longer than %(n)s characters.") % {"n": 400}, code="too_long",
                          field="reason")
    before = _snapshot(x)
    was_waiting, position = x.status == EnrolmentStatus.WAITLISTED, x.waitlist_position
    x.status, x.waitlist_position = EnrolmentStatus.CANCELLED, None
    x.cancelled_at, x.cancel_reason = timezone.now(), reason
    x.save(update_fields=["status", "waitlist_position", "cancelled_at", "cancel_reason", "updated_at"])
    b, a = audit.changed(before, _snapshot(x))
    audit.record(actor=actor, action="training.enrolment_cancel", obj=x, org=course.org, before=b, after=a)
    if was_waiting:
        _shift_up(course, position, 1)
    else:
        _promote(actor, course)
    return x


@transaction.atomic
def cancel_enrolment(*, actor, enrolment, reason="") -> Enrolment:
    """The organiser or the trainee's union cancels a place (seat or waiting); the first waiting
    person takes a freed seat."""
    if enrolment.union_id is not None:
        require(actor, CHANGE, enrolment.course.org, enrolment.union)
    else:
        require(actor, CHANGE, enrolment.course.org)
    return _cancel(actor, enrolment, reason)


@transaction.atomic
def cancel_own(*, user, person, enrolment, reason="") -> Enrolment:
    """A member cancels their own place from the member pages."""
    if person is None or enrolment.person_id != person.pk:
        raise DomainError(_("This is not your enrolment."), code="forbidden")
    return _cancel(user, enrolment, reason)


@transaction.atomic
def promote_waitlist(*, actor, course) -> list[Enrolment]:
    """Fill seats freed by a larger capacity from the waiting list, in order (the courses area calls
    this after raising a course's capacity; safe to call any time)."""
    if actor is not None:
        require(actor, CHANGE, course.org)
    return _promote(actor, lock_one(Course, course.pk))


def cancel_for_course(*, actor, course, reason) -> list[Enrolment]:
    """The courses area cancels `course` (already locked by `services.courses.cancel_course`, in its
    transaction): every live place (seat or waiting) becomes CANCELLED with the course's reason,
    each audited on the enrolment (`training.enrolment_cancel`). Nobody is promoted. Returns the
    cancelled places with their people (and accounts) loaded, for the notification."""
    require(actor, CHANGE, course.org)
    rows = list(Enrolment.objects.select_for_update().filter(
        course_id=course.pk, status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)).order_by("pk"))
    if not rows:
        return []
    at = timezone.now()
    text = (_("The course was cancelled: %(reason)s") % {"reason": reason})[:400]
    befores = {x.pk: _snapshot(x) for x in rows}
    for x in rows:
        x.status, x.waitlist_position, x.cancelled_at, x.cancel_reason = EnrolmentStatus.CANCELLED, None, at, text
        x.updated_at = at
    Enrolment.objects.bulk_update(rows, ["status", "waitlist_position", "cancelled_at", "cancel_reason",
                                         "updated_at"])
    for x in rows:
        b, a = audit.changed(befores[x.pk], _snapshot(x))
        audit.record(actor=actor, action="training.enrolment_cancel", obj=x, org=course.org, before=b, after=a)
    return list(Enrolment.objects.filter(pk__in=[x.pk for x in rows]).select_related("person__account"))


# --- export ------------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def export_enrolments(*, actor, filters):
    """(rewound temporary file, rows): the filtered enrolments the actor may export."""
    from gonghui.core.excel import XlsxStream
    from gonghui.orgs.models import Org

    from ..selectors.enrolment import filtered_enrolments

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Enrolment.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_enrolments(actor, filters).filter(pk__in=exportable).order_by("-id")
          .values_list("course__code", "course__title", "course__year", "person__name", "person__id_number_masked",
                       "union__name", "town__name", "status", "waitlist_position", "channel", "enrolled_at",
                       "promoted_at", "cancelled_at", "cancel_reason"))
    statuses, channels = dict(EnrolmentStatus.choices), dict(EnrolmentChannel.choices)
    headers = [_("Course number"), _("Course"), _("Year"), _("Name"), _("ID card number"), _("Union"), _("Town"),
               _("Status"), _("Place on the waiting list"), _("Enrolled through"), _("Enrolled at"),
               _("Moved off the waiting list at"), _("Cancelled at"), _("Reason for cancelling")]

    def when(v):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Enrolments"), headers=headers,
                           widths=[14, 30, 6, 10, 20, 30, 16, 12, 8, 12, 16, 16, 16, 30], text_columns=(0, 4))
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            row[7] = str(statuses.get(row[7], row[7]))
            row[9] = str(channels.get(row[9], row[9]))
            row[10], row[11], row[12] = when(row[10]), when(row[11]), when(row[12])
            row[8] = row[8] or ""
            sheet.append(row)
            rows += 1
    ref = uuid.uuid4().hex
    if filters.org is not None:
        places = [filters.org]
    elif actor.is_superuser:
        places = list(Org.objects.filter(depth=1))
    else:
        places = list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))
    for place in places or [None]:
        audit.record(actor=actor, action="training.enrolment_export", obj=_ExportRef(ref),
                     object_type="training.EnrolmentExport", org=place,
                     after={"filters": filters.as_audit(), "rows": rows})
    return handle, rows
