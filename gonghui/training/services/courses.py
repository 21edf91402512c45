"""Every write of courses and their sessions. Atomic, checked (`require` training.change in the
organiser's subtree), locked, validated, and audited (`training.course_*`, `training.session_*`).

- A course is numbered when created: `PX<year>-<nnnn>` from the year's `CourseNumberCounter` row,
  locked FOR UPDATE, so two courses created at once never share a number.
- The delivery mode decides what is required: 独立办学 a worker school that offers the mode,
  委托办班 the commissioned provider, 送教入企 the host enterprise (in the organiser's town).
- Sessions lie inside the course's year, last at most `rules().max_session_hours`, never overlap
  another session of the same course, and a teacher never teaches two overlapping sessions (the
  teacher's row is locked while checking, so two plans made at once cannot both pass).
- Workflow: DRAFT → OPEN (needs a session) → CLOSED ⇄ OPEN → FINISHED (after the last session
  ended; the attendance area then decides completion), or CANCELLED from any live status (the
  course's live enrolments are cancelled and the trainees with a portal account are notified).
"""

import datetime
import secrets
import tempfile
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.members.models import SkillLevel
from gonghui.orgs.models import OrgLevel

from ..models.courses import Course, CourseNumberCounter, CourseSession, CourseStatus, Programme
from ..models.schools import DeliveryMode, SchoolStatus, Teacher
from ..policies.courses import CHANGE, EXPORT
from ..rules.courses import rules

MIN_YEAR, MAX_YEAR = 2000, 2100
LIVE = (CourseStatus.DRAFT, CourseStatus.OPEN, CourseStatus.CLOSED)
COURSE_FIELDS = ["code", "title", "programme", "mode", "school", "host_enterprise", "provider", "year", "description",
                 "target_trades", "capacity", "waitlist_limit", "fee", "subsidy", "enrol_opens_on",
                 "enrol_closes_on", "members_only", "min_skill_level", "self_enrolment", "min_attendance",
                 "assessment_required", "pass_mark", "status", "cancel_reason"]
SESSION_FIELDS = ["title", "starts_at", "ends_at", "place", "teacher", "hours", "is_cancelled"]
# What create_course / update_course accept (besides org, which is fixed at creation).
EDITABLE = ("title", "programme", "mode", "school", "host_enterprise", "provider", "year", "description",
            "target_trades", "capacity", "waitlist_limit", "fee", "subsidy", "enrol_opens_on", "enrol_closes_on",
            "members_only", "min_skill_level", "self_enrolment", "min_attendance", "assessment_required",
            "pass_mark")
DEFAULTS = {"school": None, "host_enterprise": None, "provider": "", "description": "", "target_trades": (),
            "waitlist_limit": 0, "fee": Decimal("0"), "subsidy": Decimal("0"), "enrol_opens_on": None,
            "enrol_closes_on": None, "members_only": True, "min_skill_level": "", "self_enrolment": True,
            "min_attendance": None, "assessment_required": True, "pass_mark": Decimal("60")}


def today():
    return timezone.localdate()


def now():
    return timezone.now()


# --- helpers ----------------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=120):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _decimal(value, field, label, *, low, high, places):
    if value is None or value == "":
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("%(label)s must be a number.") % {"label": label}, code="invalid", field=field) from exc
    if not d.is_finite() or d < low or d > high:
        raise DomainError(_("%(label)s must be between %(low)s and %(high)s.")
                          % {"label": label, "low": low, "high": high}, code="out_of_range", field=field)
    quantum = Decimal(1).scaleb(-places)
    if d != d.quantize(quantum):
        raise DomainError(_("%(label)s has at most %(n)s decimal places.") % {"label": label, "n": places},
                          code="invalid", field=field)
    return d.quantize(quantum)


def _int(value, field, label, *, low, high):
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise DomainError(_("%(label)s must be a whole number between %(low)s and %(high)s.")
                          % {"label": label, "low": low, "high": high}, code="out_of_range", field=field)
    return value


def _trades(values):
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").split(",")
    out = []
    for v in values or ():
        v = (v or "").strip() if isinstance(v, str) else ""
        if not v:
            continue
        if len(v) > 30:
            raise DomainError(_("The trade “%(trade)s” is longer than 30 characters.") % {"trade": v[:30]},
                              code="too_long", field="target_trades")
        if v not in out:
            out.append(v)
    if len(out) > rules().max_trades:
        raise DomainError(_("Name at most %(n)s target trades.") % {"n": rules().max_trades}, code="too_many",
                          field="target_trades")
    return out


def _wrong_stage(course):
    return DomainError(_("This cannot be done now: the course is “%(status)s”.")
                       % {"status": course.get_status_display()}, code="wrong_stage")


def _snapshot(obj, fields):
    return audit.snapshot(obj, fields=fields)


def _record(actor, action, obj, org, before, fields):
    b, a = audit.changed(before, _snapshot(obj, fields))
    audit.record(actor=actor, action=action, obj=obj, org=org, before=b, after=a)


def _lock(course):
    return lock_one(Course, course.pk)


def _usable(thing, org) -> bool:
    """A school or teacher of `org`'s subtree or of an org above it (shared down the tree)."""
    path = thing.org.path
    return path.startswith(org.path) or org.path.startswith(path)


def seats_taken(course) -> int:
    """Enrolments holding a seat (the enrolment area's model)."""
    from ..models.enrolment import SEAT_STATUSES, Enrolment

    return Enrolment.objects.filter(course_id=course.pk, status__in=SEAT_STATUSES).count()


# --- numbering ----------------------------------------------------------------------------------

def next_code(year: int) -> str:
    """The next course number of `year` ("PX2026-0007"). Locks the year's counter row until the
    caller's transaction ends; the first course of a year creates the row (a concurrent first
    creation is caught and the row locked then)."""
    counter = CourseNumberCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                CourseNumberCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # created by a concurrent transaction meanwhile: lock it below
        counter = CourseNumberCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    prefix = f"{rules().code_prefix}{year}-"
    # Codes given outside the counter (imports, demo rows) are skipped, never reused.
    while Course.objects.filter(code=f"{prefix}{counter.last:04d}").exists():
        counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{counter.last:04d}"


# --- course fields -----------------------------------------------------------------------------

def _clean_course(org, data: dict, *, course=None) -> dict:
    """The course fields of `data` checked and shaped; raises DomainError naming the field."""
    d = dict(data)
    d["title"] = _text(d.get("title"), "title", _("The title"))
    if d.get("programme") not in Programme.values:
        raise DomainError(_("Choose the programme of the course."), code="invalid_programme", field="programme")
    mode = d.get("mode")
    if mode not in DeliveryMode.values:
        raise DomainError(_("Choose how the course is delivered."), code="invalid_mode", field="mode")
    d["year"] = _int(d.get("year"), "year", _("The year"), low=MIN_YEAR, high=MAX_YEAR)
    d["description"] = _text(d.get("description"), "description", _("The description"), required=False, limit=4000)
    d["provider"] = _text(d.get("provider"), "provider", _("The commissioned provider"), required=False)
    d["target_trades"] = _trades(d.get("target_trades"))
    d["capacity"] = _int(d.get("capacity"), "capacity", _("The capacity"), low=1, high=rules().max_capacity)
    d["waitlist_limit"] = _int(d.get("waitlist_limit") or 0, "waitlist_limit", _("The waiting list limit"),
                               low=0, high=rules().max_capacity)
    d["fee"] = _decimal(d.get("fee") if d.get("fee") is not None else 0, "fee", _("The fee"), low=0,
                        high=Decimal("100000"), places=2)
    d["subsidy"] = _decimal(d.get("subsidy") if d.get("subsidy") is not None else 0, "subsidy", _("The subsidy"),
                            low=0, high=Decimal("100000"), places=2)
    d["pass_mark"] = _decimal(d.get("pass_mark") if d.get("pass_mark") is not None else 60, "pass_mark",
                              _("The pass mark"), low=0, high=100, places=1)
    if d.get("min_attendance") not in (None, ""):
        d["min_attendance"] = _decimal(d["min_attendance"], "min_attendance", _("The minimum attendance share"),
                                       low=Decimal("0.01"), high=1, places=2)
    else:
        d["min_attendance"] = None
    level = d.get("min_skill_level") or ""
    if level and level not in SkillLevel.values:
        raise DomainError(_("Choose a skill level from the list."), code="invalid_level", field="min_skill_level")
    d["min_skill_level"] = level
    for name in ("members_only", "self_enrolment", "assessment_required"):
        d[name] = bool(d.get(name))
    opens, closes = d.get("enrol_opens_on"), d.get("enrol_closes_on")
    if opens and closes and closes < opens:
        raise DomainError(_("Enrolment cannot close before it opens."), code="date_order", field="enrol_closes_on")
    for name, day in (("enrol_opens_on", opens), ("enrol_closes_on", closes)):
        if day and abs(day.year - d["year"]) > 1:
            raise DomainError(_("The enrolment dates must be near the course's year (%(year)s).")
                              % {"year": d["year"]}, code="date_out_of_year", field=name)
    school, host = d.get("school"), d.get("host_enterprise")
    if school is not None:
        if (course is None or course.school_id != school.pk) and not _usable(school, org):
            raise DomainError(_("%(school)s is run by %(owner)s: choose a school of your area, your town or the "
                                "district.") % {"school": school.name, "owner": school.org.name},
                              code="school_out_of_area", field="school")
        if school.status != SchoolStatus.ACTIVE and (course is None or course.school_id != school.pk):
            raise DomainError(_("%(school)s is closed: choose a running worker school.") % {"school": school.name},
                              code="school_closed", field="school")
        if school.modes and mode not in school.modes:
            raise DomainError(_("%(school)s does not offer “%(mode)s” classes.")
                              % {"school": school.name, "mode": DeliveryMode(mode).label},
                              code="mode_not_offered", field="school")
    if mode == DeliveryMode.INDEPENDENT:
        if school is None:
            raise DomainError(_("An independent class is run by a worker school: choose the school."),
                              code="school_required", field="school")
        if d["capacity"] > school.capacity:
            raise DomainError(_("%(school)s seats %(n)s: the capacity cannot be larger.")
                              % {"school": school.name, "n": school.capacity}, code="over_school_capacity",
                              field="capacity")
        d["host_enterprise"], d["provider"] = None, ""
    elif mode == DeliveryMode.COMMISSIONED:
        if not d["provider"]:
            raise DomainError(_("A commissioned class names the provider it is commissioned to."),
                              code="provider_required", field="provider")
        d["host_enterprise"] = None
    else:  # IN_ENTERPRISE
        if host is None:
            raise DomainError(_("A class sent into an enterprise names its host enterprise."),
                              code="host_required", field="host_enterprise")
        town = org.town() if org.level != OrgLevel.DISTRICT else None
        if town is not None and host.town_id != town.pk:
            raise DomainError(_("The host enterprise must be in %(town)s, the organiser's town.")
                              % {"town": town.name}, code="host_out_of_town", field="host_enterprise")
        d["provider"] = ""
    return {k: d[k] for k in EDITABLE}


@transaction.atomic
def create_course(*, actor, org, **data) -> Course:
    """A new DRAFT course organised by `org` (the district, a town or a union), numbered."""
    require(actor, CHANGE, org)
    if org is None or not org.is_active:
        raise DomainError(_("Choose an active organisation as the organiser."), code="invalid_org", field="org")
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]}, code="unknown_field")
    values = _clean_course(org, {**DEFAULTS, **data})
    town = org.town() if org.level != OrgLevel.DISTRICT else None
    course = Course(org=org, town=town, created_by=actor if actor and actor.pk else None, **values)
    course.code = next_code(values["year"])
    course.save()
    audit.record(actor=actor, action="training.course_create", obj=course, org=org,
                 after={**_snapshot(course, COURSE_FIELDS), "org": org.pk})
    return course


@transaction.atomic
def update_course(*, actor, course, **data) -> Course:
    """Edit a live course (not finished or cancelled). The capacity cannot drop below the seats
    taken; a larger capacity promotes from the waiting list (the enrolment area)."""
    require(actor, CHANGE, course.org)
    course = _lock(course)
    if course.status not in LIVE:
        raise _wrong_stage(course)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]}, code="unknown_field")
    current = {k: getattr(course, k) for k in EDITABLE}
    values = _clean_course(course.org, {**current, **data}, course=course)
    if values["year"] != course.year:
        outside = course.sessions.exclude(starts_at__year=values["year"]).exists()
        if outside:
            raise DomainError(_("The course has sessions outside %(year)s: move them first.")
                              % {"year": values["year"]}, code="sessions_outside_year", field="year")
        if course.status != CourseStatus.DRAFT:
            raise DomainError(_("The year of a course open for enrolment cannot change."), code="wrong_stage",
                              field="year")
    taken = seats_taken(course)
    if values["capacity"] < taken:
        raise DomainError(_("%(n)s trainees already hold a seat: the capacity cannot be less.") % {"n": taken},
                          code="below_seats_taken", field="capacity")
    grew = values["capacity"] > course.capacity or values["waitlist_limit"] > course.waitlist_limit
    before = _snapshot(course, COURSE_FIELDS)
    for k, v in values.items():
        setattr(course, k, v)
    course.save()
    _record(actor, "training.course_update", course, course.org, before, COURSE_FIELDS)
    if grew and course.status == CourseStatus.OPEN:
        _hook("enrolment", "promote_waitlist", actor=actor, course=course)
    return course


def _hook(area, name, **kwargs):
    """Call another area's service when it exists (the areas are built side by side)."""
    import importlib

    module = importlib.import_module(f"gonghui.training.services.{area}")
    fn = getattr(module, name, None)
    return fn(**kwargs) if fn else None


# --- sessions ----------------------------------------------------------------------------------

def _clean_session(course, *, starts_at, ends_at, title, place, teacher, hours, session=None):
    if starts_at is None or ends_at is None:
        field = "starts_at" if starts_at is None else "ends_at"
        raise DomainError(_("Give the start and the end of the session."), code="required", field=field)
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if timezone.is_naive(ends_at):
        ends_at = timezone.make_aware(ends_at)
    if ends_at <= starts_at:
        raise DomainError(_("A session must end after it starts."), code="date_order", field="ends_at")
    limit = rules().max_session_hours
    if ends_at - starts_at > datetime.timedelta(hours=limit):
        raise DomainError(_("A session lasts at most %(n)s hours: split longer days into sessions.") % {"n": limit},
                          code="too_long", field="ends_at")
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if local_start.year != course.year or local_end.year != course.year:
        raise DomainError(_("The sessions of a %(year)s course take place in %(year)s.") % {"year": course.year},
                          code="date_out_of_year", field="starts_at")
    duration = Decimal((ends_at - starts_at).total_seconds()) / Decimal(3600)
    if hours in (None, ""):
        hours = duration.quantize(Decimal("0.1"))
    hours = _decimal(hours, "hours", _("The class hours"), low=Decimal("0.1"), high=Decimal(limit), places=1)
    if hours > duration.quantize(Decimal("0.1"), rounding="ROUND_UP"):
        raise DomainError(_("The class hours (%(hours)s) are more than the session lasts.") % {"hours": hours},
                          code="hours_over_duration", field="hours")
    title = _text(title, "title", _("The topic"), required=False)
    place = _text(place, "place", _("The place"), required=False)
    same_course = (CourseSession.objects.filter(course=course, is_cancelled=False, starts_at__lt=ends_at,
                                                ends_at__gt=starts_at))
    if session is not None:
        same_course = same_course.exclude(pk=session.pk)
    clash = same_course.first()
    if clash is not None:
        raise DomainError(_("This overlaps the course's session of %(start)s–%(end)s.")
                          % {"start": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
                             "end": timezone.localtime(clash.ends_at).strftime("%H:%M")},
                          code="session_overlap", field="starts_at")
    if teacher is not None:
        teacher = lock_one(Teacher, teacher.pk)  # two plans for one teacher queue here
        if (session is None or session.teacher_id != teacher.pk) and not _usable(teacher, course.org):
            raise DomainError(_("%(name)s is registered by %(owner)s: choose a teacher of your area's, your town's "
                                "or the district's pool.") % {"name": teacher.name, "owner": teacher.org.name},
                              code="teacher_out_of_area", field="teacher")
        if not teacher.is_active and (session is None or session.teacher_id != teacher.pk):
            raise DomainError(_("%(name)s is no longer in the teacher pool.") % {"name": teacher.name},
                              code="teacher_inactive", field="teacher")
        busy = (CourseSession.objects.filter(teacher=teacher, is_cancelled=False, starts_at__lt=ends_at,
                                             ends_at__gt=starts_at)
                .exclude(course__status=CourseStatus.CANCELLED).select_related("course"))
        if session is not None:
            busy = busy.exclude(pk=session.pk)
        other = busy.order_by("starts_at").first()
        if other is not None:
            raise DomainError(_("%(name)s already teaches “%(course)s” (%(code)s) from %(start)s to %(end)s: a "
                                "teacher cannot teach two overlapping sessions.")
                              % {"name": teacher.name, "course": other.course.title, "code": other.course.code,
                                 "start": timezone.localtime(other.starts_at).strftime("%Y-%m-%d %H:%M"),
                                 "end": timezone.localtime(other.ends_at).strftime("%H:%M")},
                              code="teacher_busy", field="teacher")
    _hook("enrolment", "refuse_trainee_clashes", course=course, starts_at=starts_at, ends_at=ends_at, session=session)
    return {"starts_at": starts_at, "ends_at": ends_at, "title": title, "place": place, "teacher": teacher,
            "hours": hours}


def _course_for_sessions(actor, course):
    require(actor, CHANGE, course.org)
    course = _lock(course)
    if course.status not in LIVE:
        raise _wrong_stage(course)
    return course


@transaction.atomic
def add_session(*, actor, course, starts_at, ends_at, title="", place="", teacher=None, hours=None) -> CourseSession:
    """Plan a session of a live course. `hours` defaults to the session's length."""
    course = _course_for_sessions(actor, course)
    values = _clean_session(course, starts_at=starts_at, ends_at=ends_at, title=title, place=place,
                            teacher=teacher, hours=hours)
    session = CourseSession.objects.create(course=course, checkin_token=secrets.token_urlsafe(32), **values)
    audit.record(actor=actor, action="training.session_add", obj=course, org=course.org,
                 after={"session": session.pk, **_snapshot(session, SESSION_FIELDS)})
    return session


@transaction.atomic
def update_session(*, actor, session, starts_at, ends_at, title="", place="", teacher=None,
                   hours=None) -> CourseSession:
    course = _course_for_sessions(actor, session.course)
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise DomainError(_("This session is cancelled and cannot be changed."), code="wrong_stage")
    values = _clean_session(course, starts_at=starts_at, ends_at=ends_at, title=title, place=place,
                            teacher=teacher, hours=hours, session=session)
    before = _snapshot(session, SESSION_FIELDS)
    for k, v in values.items():
        setattr(session, k, v)
    session.save()
    b, a = audit.changed(before, _snapshot(session, SESSION_FIELDS))
    audit.record(actor=actor, action="training.session_update", obj=course, org=course.org,
                 before={"session": session.pk, **b}, after={"session": session.pk, **a})
    return session


@transaction.atomic
def cancel_session(*, actor, session, reason="") -> CourseSession:
    """Cancel one session: it no longer counts in the course's hours. Its attendance is kept."""
    course = _course_for_sessions(actor, session.course)
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise DomainError(_("This session is already cancelled."), code="wrong_stage")
    reason = _text(reason, "reason", _("The reason"), limit=400)
    session.is_cancelled = True
    session.save(update_fields=["is_cancelled", "updated_at"])
    audit.record(actor=actor, action="training.session_cancel", obj=course, org=course.org,
                 after={"session": session.pk, "starts_at": session.starts_at.isoformat(), "reason": reason})
    return session


# --- workflow ----------------------------------------------------------------------------------

def _step(actor, course, allowed):
    require(actor, CHANGE, course.org)
    course = _lock(course)
    if course.status not in allowed:
        raise _wrong_stage(course)
    return course, _snapshot(course, COURSE_FIELDS)


@transaction.atomic
def open_course(*, actor, course) -> Course:
    """DRAFT → OPEN: enrolment opens. Needs at least one session and an enrolment window not over."""
    course, before = _step(actor, course, (CourseStatus.DRAFT,))
    if not course.sessions.filter(is_cancelled=False).exists():
        raise DomainError(_("Plan at least one session before opening enrolment."), code="no_sessions")
    if course.enrol_closes_on and course.enrol_closes_on < today():
        raise DomainError(_("Enrolment closed on %(day)s: change the enrolment dates first.")
                          % {"day": course.enrol_closes_on.isoformat()}, code="window_over",
                          field="enrol_closes_on")
    course.status = CourseStatus.OPEN
    course.save(update_fields=["status", "updated_at"])
    _record(actor, "training.course_open", course, course.org, before, COURSE_FIELDS)
    return course


@transaction.atomic
def close_course(*, actor, course) -> Course:
    """OPEN → CLOSED: no more enrolments; the enrolled trainees keep their seats."""
    course, before = _step(actor, course, (CourseStatus.OPEN,))
    course.status = CourseStatus.CLOSED
    course.save(update_fields=["status", "updated_at"])
    _record(actor, "training.course_close", course, course.org, before, COURSE_FIELDS)
    return course


@transaction.atomic
def reopen_course(*, actor, course) -> Course:
    """CLOSED → OPEN again (e.g. seats freed)."""
    course, before = _step(actor, course, (CourseStatus.CLOSED,))
    if course.enrol_closes_on and course.enrol_closes_on < today():
        raise DomainError(_("Enrolment closed on %(day)s: change the enrolment dates first.")
                          % {"day": course.enrol_closes_on.isoformat()}, code="window_over",
                          field="enrol_closes_on")
    course.status = CourseStatus.OPEN
    course.save(update_fields=["status", "updated_at"])
    _record(actor, "training.course_reopen", course, course.org, before, COURSE_FIELDS)
    return course


@transaction.atomic
def finish_course(*, actor, course) -> Course:
    """OPEN/CLOSED → FINISHED once its last session has ended; the attendance area then decides
    each trainee's completion (`services.attendance.decide_completion`)."""
    course, before = _step(actor, course, (CourseStatus.OPEN, CourseStatus.CLOSED))
    last = course.sessions.filter(is_cancelled=False).order_by("-ends_at").first()
    if last is None:
        raise DomainError(_("The course has no session held: cancel it instead."), code="no_sessions")
    if last.ends_at > now():
        raise DomainError(_("The last session ends on %(at)s: finish the course after it.")
                          % {"at": timezone.localtime(last.ends_at).strftime("%Y-%m-%d %H:%M")},
                          code="sessions_ahead")
    course.status = CourseStatus.FINISHED
    course.save(update_fields=["status", "updated_at"])
    _record(actor, "training.course_finish", course, course.org, before, COURSE_FIELDS)
    _hook("attendance", "decide_completion", actor=actor, course=course)
    return course


@transaction.atomic
def cancel_course(*, actor, course, reason) -> Course:
    """Any live status → CANCELLED with a reason: the live enrolments are cancelled and every
    trainee with a portal account is told (core notifications)."""
    from gonghui.core.notifications import notify

    from .enrolment import cancel_for_course

    course, before = _step(actor, course, LIVE)
    reason = _text(reason, "reason", _("The reason"), limit=400)
    places = cancel_for_course(actor=actor, course=course, reason=reason)  # the enrolment area's rows
    accounts = [e.person.account for e in places if e.person.account_id]
    cancelled = len(places)
    course.status = CourseStatus.CANCELLED
    course.cancel_reason = reason
    course.save(update_fields=["status", "cancel_reason", "updated_at"])
    b, a = audit.changed(before, _snapshot(course, COURSE_FIELDS))
    audit.record(actor=actor, action="training.course_cancel", obj=course, org=course.org, before=b,
                 after={**a, "enrolments_cancelled": cancelled})
    if accounts:
        from django.urls import reverse

        notify(recipients=accounts, key=f"training.course_cancelled:{course.pk}",
               title=(_("Course cancelled: %(title)s") % {"title": course.title}),
               body=(_("“%(title)s” (%(code)s) was cancelled: %(reason)s")
                     % {"title": course.title, "code": course.code, "reason": reason}),
               url=_my_url(reverse), org=course.org)
    return course


def _my_url(reverse):
    try:
        return reverse("training:my_courses")
    except Exception:  # noqa: BLE001 — the member pages are the enrolment area's
        return ""


# --- export ------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def export_courses(*, actor, filters):
    """(rewound temporary file, rows): the filtered courses the actor may export."""
    from gonghui.core.excel import XlsxStream
    from gonghui.orgs.models import Org

    from ..selectors.courses import annotate_figures, filtered_courses

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    qs = filtered_courses(actor, filters)
    if not filters.offered:  # courses offered from above are read by every user below (no export scope)
        qs = qs.filter(pk__in=Course.objects.visible_to(actor, EXPORT).values("pk"))
    qs = annotate_figures(qs).order_by("-year", "-id")
    qs = qs.select_related("org", "town", "school", "host_enterprise")
    programmes, modes, statuses = dict(Programme.choices), dict(DeliveryMode.choices), dict(CourseStatus.choices)
    headers = [_("Course number"), _("Title"), _("Year"), _("Programme"), _("Delivery mode"), _("Organiser"),
               _("Town"), _("Worker school"), _("Host enterprise or provider"), _("Target trades"), _("Capacity"),
               _("Seats taken"), _("Sessions"), _("Class hours"), _("First session"), _("Fee per trainee (yuan)"),
               _("Subsidy per trainee (yuan)"), _("Status")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Courses"), headers=headers,
                           widths=[14, 30, 6, 18, 18, 26, 14, 16, 24, 20, 8, 8, 8, 8, 16, 10, 10, 12],
                           text_columns=(0,))
        for c in qs.iterator(chunk_size=1000):
            first = timezone.localtime(c.first_at).strftime("%Y-%m-%d %H:%M") if c.first_at else ""
            sheet.append([c.code, c.title, c.year, str(programmes.get(c.programme, c.programme)),
                          str(modes.get(c.mode, c.mode)), c.org.name, c.town.name if c.town else "",
                          c.school.name if c.school else "",
                          c.host_enterprise.name if c.host_enterprise else c.provider,
                          "、".join(c.target_trades or []), c.capacity, c.seats, c.session_count,
                          c.total_hours or Decimal("0"), first, c.fee, c.subsidy,
                          str(statuses.get(c.status, c.status))])
            rows += 1
    ref = uuid.uuid4().hex
    places = [filters.org] if filters.org else (list(Org.objects.filter(depth=1)) if actor.is_superuser else
                                                list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))))
    for place in places or [None]:
        audit.record(actor=actor, action="training.course_export", obj=_ExportRef(ref),
                     object_type="training.CourseExport", org=place,
                     after={"filters": filters.as_dict(), "rows": rows})
    return handle, rows
