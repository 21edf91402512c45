"""Every write of worker schools and the teacher pool. Atomic, checked (`require`), locked,
validated, and audited (`training.school_*`, `training.teacher_*`).

Schools: a town federation (or platform, or the district) opens a school (`training.approve` in
the running org): a unique name, an address, the seats of its largest room, the delivery modes it
offers. It is edited, closed (with the day and the reason; refused while a course at the school is
still in draft, open or running) and reopened. Nothing is deleted: a closed school stays on
record for the courses it held.

Teachers: registered by any org of the subtree (`training.change`). Internal masters (企业名师)
and model workers (劳模工匠) are people of the registry holding a live membership (a model worker
must also be on the honours model-worker roll, rule `model_worker_on_roll`); an external
lecturer is a name and an employer. One person is in the pool once. A teacher leaves the pool
(`deactivate_teacher`, refused while they still teach upcoming sessions) and may come back.
"""

import re
import tempfile
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import OrgLevel

from ..models.schools import DeliveryMode, SchoolStatus, Teacher, TeacherKind, WorkerSchool
from ..policies.schools import APPROVE, CHANGE, EXPORT
from ..rules.schools import rules

SCHOOL_FIELDS = ["name", "address", "capacity", "modes", "contact_name", "contact_phone", "description", "status",
                 "closed_on", "close_reason"]
TEACHER_FIELDS = ["kind", "name", "employer", "title", "specialities", "phone_masked", "is_active", "deactivated_on",
                  "note"]
SCHOOL_ORG_LEVELS = (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM)
LIVE_COURSE_AT_SCHOOL = ("DRAFT", "OPEN", "CLOSED")
PHONE = re.compile(r"^[0-9][0-9\- ]{4,18}[0-9]$")
SPLIT = re.compile(r"[,，、;；/\s]+")


def today():
    return timezone.localdate()


# --- helpers ----------------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=400):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    if "\x00" in value:
        raise DomainError(_("%(label)s contains characters that cannot be stored.") % {"label": label},
                          code="invalid", field=field)
    return value


def _phone(value, field="phone"):
    value = (value or "").strip()
    if value and not PHONE.match(value):
        raise DomainError(_("The phone number may hold only digits, spaces and hyphens (6 to 20 characters)."),
                          code="invalid_phone", field=field)
    return value


def _capacity(value):
    top = rules().max_capacity
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise DomainError(_("The capacity must be a whole number of seats from 1 to %(max)s.") % {"max": top},
                          code="invalid_capacity", field="capacity")
    return value


def _modes(values):
    values = list(values or [])
    unknown = [v for v in values if v not in DeliveryMode.values]
    if unknown:
        raise DomainError(_("Unknown delivery mode: %(mode)s.") % {"mode": ", ".join(map(str, unknown))},
                          code="invalid_mode", field="modes")
    if not values:
        raise DomainError(_("Choose at least one delivery mode the school offers."), code="required", field="modes")
    return [m for m in DeliveryMode.values if m in values]  # the choices' order, once each


def parse_specialities(value):
    """A list of specialities from a list or from text separated by commas, 、, semicolons or spaces."""
    if isinstance(value, str):
        value = SPLIT.split(value)
    return [str(v).strip() for v in (value or []) if str(v).strip()]


def _specialities(values):
    r = rules()
    out = []
    for word in parse_specialities(values):
        if len(word) > r.speciality_length:
            raise DomainError(_("The speciality “%(word)s” is longer than %(n)s characters.")
                              % {"word": word[:40], "n": r.speciality_length}, code="too_long", field="specialities")
        if "|" in word or "\x00" in word:
            raise DomainError(_("The speciality “%(word)s” contains a character that is not allowed.")
                              % {"word": word[:40]}, code="invalid", field="specialities")
        if word not in out:
            out.append(word)
    if not out:
        raise DomainError(_("Name at least one speciality of the teacher (e.g. electrician, work safety)."),
                          code="required", field="specialities")
    if len(out) > r.max_specialities:
        raise DomainError(_("At most %(n)s specialities per teacher.") % {"n": r.max_specialities},
                          code="too_many", field="specialities")
    return out


def specialities_key(words):
    return ("|" + "|".join(words) + "|") if words else ""


def _record(actor, action, obj, before, fields):
    after = audit.snapshot(obj, fields=fields)
    b, a = audit.changed(before, after)
    audit.record(actor=actor, action=action, obj=obj, org=obj.org, before=b, after=a)


# --- schools ----------------------------------------------------------------------------------

def _name_taken(name, exclude=None):
    qs = WorkerSchool.objects.filter(name__iexact=name)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exists()


def _school_values(name, address, capacity, modes, contact_name, contact_phone, description):
    return {
        "name": _text(name, "name", _("The name"), limit=80),
        "address": _text(address, "address", _("The address"), limit=200),
        "capacity": _capacity(capacity),
        "modes": _modes(modes),
        "contact_name": _text(contact_name, "contact_name", _("The contact person"), required=False, limit=32),
        "contact_phone": _phone(contact_phone, "contact_phone"),
        "description": _text(description, "description", _("The description"), required=False, limit=2000),
    }


def _save_school(school, name):
    try:
        with transaction.atomic():
            school.save()
    except IntegrityError as exc:  # a concurrent school of the same name
        raise DomainError(_("A worker school named “%(name)s” already exists.") % {"name": name},
                          code="name_taken", field="name") from exc


@transaction.atomic
def create_school(*, actor, org, name, address, capacity, modes, contact_name="", contact_phone="",
                  description="") -> WorkerSchool:
    """Open a worker school run by `org` (the district, a town or a platform)."""
    if org is None:
        raise DomainError(_("Choose the organisation that runs the school."), code="required", field="org")
    require(actor, APPROVE, org)
    if org.level not in SCHOOL_ORG_LEVELS:
        raise DomainError(_("A worker school is run by the district or by a town federation: choose one of them."),
                          code="invalid_org", field="org")
    if not org.is_active:
        raise DomainError(_("%(org)s is no longer active.") % {"org": org.name}, code="invalid_org", field="org")
    values = _school_values(name, address, capacity, modes, contact_name, contact_phone, description)
    if _name_taken(values["name"]):
        raise DomainError(_("A worker school named “%(name)s” already exists.") % {"name": values["name"]},
                          code="name_taken", field="name")
    school = WorkerSchool(org=org, **values)
    _save_school(school, values["name"])
    audit.record(actor=actor, action="training.school_create", obj=school, org=org,
                 after={**audit.snapshot(school, fields=SCHOOL_FIELDS), "org": org.pk})
    return school


@transaction.atomic
def update_school(*, actor, school, name, address, capacity, modes, contact_name="", contact_phone="",
                  description="") -> WorkerSchool:
    """Edit a school's details (the running org does not change). A closed school may be edited
    too (e.g. its contact), it stays closed."""
    require(actor, APPROVE, school.org)
    school = lock_one(WorkerSchool, school.pk)
    values = _school_values(name, address, capacity, modes, contact_name, contact_phone, description)
    if _name_taken(values["name"], exclude=school):
        raise DomainError(_("A worker school named “%(name)s” already exists.") % {"name": values["name"]},
                          code="name_taken", field="name")
    before = audit.snapshot(school, fields=SCHOOL_FIELDS)
    for key, value in values.items():
        setattr(school, key, value)
    _save_school(school, values["name"])
    _record(actor, "training.school_update", school, before, SCHOOL_FIELDS)
    return school


def _wrong_school_stage(school):
    return DomainError(_("This step cannot be recorded now: the school is “%(status)s”.")
                       % {"status": school.get_status_display()}, code="wrong_stage")


@transaction.atomic
def close_school(*, actor, school, reason, closed_on=None) -> WorkerSchool:
    """Close a running school. Refused while a course at it is in draft, open or running (move
    or finish them first)."""
    from ..models.courses import Course

    require(actor, APPROVE, school.org)
    school = lock_one(WorkerSchool, school.pk)
    if school.status != SchoolStatus.ACTIVE:
        raise _wrong_school_stage(school)
    reason = _text(reason, "reason", _("The reason"))
    closed_on = closed_on or today()
    if closed_on > today():
        raise DomainError(_("The closing day cannot be in the future."), code="date_in_future", field="closed_on")
    live = Course.objects.filter(school=school, status__in=LIVE_COURSE_AT_SCHOOL)
    n = live.count()
    if n:
        first = live.order_by("year", "id").values_list("title", flat=True).first()
        raise DomainError(_("%(n)s course(s) at this school are not finished or cancelled yet (e.g. “%(course)s”): "
                            "finish them or move them to another school first.") % {"n": n, "course": first},
                          code="has_live_courses", field="reason")
    before = audit.snapshot(school, fields=SCHOOL_FIELDS)
    school.status, school.closed_on, school.close_reason = SchoolStatus.CLOSED, closed_on, reason
    school.save()
    _record(actor, "training.school_close", school, before, SCHOOL_FIELDS)
    return school


@transaction.atomic
def reopen_school(*, actor, school, reason="") -> WorkerSchool:
    require(actor, APPROVE, school.org)
    school = lock_one(WorkerSchool, school.pk)
    if school.status != SchoolStatus.CLOSED:
        raise _wrong_school_stage(school)
    reason = _text(reason, "reason", _("The reason"), required=False)
    before = audit.snapshot(school, fields=SCHOOL_FIELDS)
    school.status, school.closed_on, school.close_reason = SchoolStatus.ACTIVE, None, ""
    school.save()
    after = audit.snapshot(school, fields=SCHOOL_FIELDS)
    b, a = audit.changed(before, after)
    if reason:
        a["reason"] = reason
    audit.record(actor=actor, action="training.school_reopen", obj=school, org=school.org, before=b, after=a)
    return school


# --- teachers ---------------------------------------------------------------------------------

def _check_person(kind, person):
    from gonghui.members.models import LIVE_STATUSES, Membership

    if kind == TeacherKind.EXTERNAL:
        if person is not None:
            raise DomainError(_("An external lecturer is not chosen from the registry: leave the person empty or "
                                "choose another kind."), code="invalid_person", field="person")
        return
    if person is None:
        raise DomainError(_("An internal master or a model worker must be a person of the registry."),
                          code="required", field="person")
    if not Membership.objects.filter(person=person, status__in=LIVE_STATUSES).exists():
        raise DomainError(_("%(name)s holds no live membership: only a member of a union can be an internal master "
                            "or a model worker.") % {"name": person.name}, code="not_a_member", field="person")
    if kind == TeacherKind.MODEL_WORKER and rules().model_worker_on_roll:
        from gonghui.honours.models.modelworkers import ModelWorker

        if not ModelWorker.objects.filter(person=person).exists():
            raise DomainError(_("%(name)s is not on the model-worker roll: register them as an internal master, or "
                                "add them to the roll first.") % {"name": person.name},
                              code="not_a_model_worker", field="kind")


def _teacher_values(kind, name, employer, title, specialities, phone, note):
    return {
        "employer": _text(employer, "employer", _("The employer"), required=kind == TeacherKind.EXTERNAL,
                          limit=120),
        "title": _text(title, "title", _("The professional title"), required=False, limit=60),
        "specialities": _specialities(specialities),
        "phone": _phone(phone),
        "note": _text(note, "note", _("The note"), required=False, limit=400),
    }


def _save_teacher(teacher):
    try:
        with transaction.atomic():
            teacher.save()
    except IntegrityError as exc:  # the same person registered at the same moment
        raise DomainError(_("%(name)s is already in the teacher pool.") % {"name": teacher.name},
                          code="already_in_pool", field="person") from exc


@transaction.atomic
def create_teacher(*, actor, org, kind, person=None, name="", employer="", title="", specialities=(), phone="",
                   note="") -> Teacher:
    """Register a teacher of the pool (registered by `org`). A person's teacher takes their name."""
    if org is None:
        raise DomainError(_("Choose the organisation that registers the teacher."), code="required", field="org")
    require(actor, CHANGE, org)
    if kind not in TeacherKind.values:
        raise DomainError(_("Choose the kind of teacher."), code="invalid_kind", field="kind")
    if not org.is_active:
        raise DomainError(_("%(org)s is no longer active.") % {"org": org.name}, code="invalid_org", field="org")
    _check_person(kind, person)
    if person is not None:
        name = person.name
        existing = Teacher.objects.filter(person=person).first()
        if existing is not None:
            raise DomainError(_("%(name)s is already in the teacher pool.") % {"name": person.name},
                              code="already_in_pool", field="person")
    name = _text(name, "name", _("The name"), limit=64)
    values = _teacher_values(kind, name, employer, title, specialities, phone, note)
    phone = values.pop("phone")
    teacher = Teacher(org=org, kind=kind, person=person, name=name, **values,
                      specialities_key=specialities_key(values["specialities"]))
    teacher.set_phone(phone)
    _save_teacher(teacher)
    audit.record(actor=actor, action="training.teacher_create", obj=teacher, org=org,
                 after={**audit.snapshot(teacher, fields=TEACHER_FIELDS), "org": org.pk,
                        "person": person.pk if person else None})
    return teacher


@transaction.atomic
def update_teacher(*, actor, teacher, name="", employer="", title="", specialities=(), phone="",
                   note="", kind=None) -> Teacher:
    """Edit a teacher. A person's teacher keeps the person's name; the kind may change between
    internal master and model worker (the roll is checked again), not to or from external."""
    require(actor, CHANGE, teacher.org)
    teacher = lock_one(Teacher, teacher.pk)
    kind = kind or teacher.kind
    if kind not in TeacherKind.values:
        raise DomainError(_("Choose the kind of teacher."), code="invalid_kind", field="kind")
    if (kind == TeacherKind.EXTERNAL) != (teacher.kind == TeacherKind.EXTERNAL):
        raise DomainError(_("An external lecturer and a person of the registry cannot change into each other: "
                            "register a new teacher instead."), code="invalid_kind", field="kind")
    if kind != teacher.kind:
        _check_person(kind, teacher.person)
    if teacher.person_id:
        name = teacher.person.name
    name = _text(name, "name", _("The name"), limit=64)
    values = _teacher_values(kind, name, employer, title, specialities, phone, note)
    before = audit.snapshot(teacher, fields=TEACHER_FIELDS)
    teacher.kind, teacher.name = kind, name
    teacher.set_phone(values.pop("phone"))
    for key, value in values.items():
        setattr(teacher, key, value)
    teacher.specialities_key = specialities_key(values["specialities"])
    _save_teacher(teacher)
    _record(actor, "training.teacher_update", teacher, before, TEACHER_FIELDS)
    return teacher


def upcoming_sessions(teacher):
    """The teacher's sessions not yet started, of courses not cancelled (any organiser)."""
    from ..models.courses import CourseSession

    return (CourseSession.objects.filter(teacher=teacher, is_cancelled=False, starts_at__gte=timezone.now())
            .exclude(course__status="CANCELLED"))


@transaction.atomic
def deactivate_teacher(*, actor, teacher, reason="") -> Teacher:
    """Take a teacher out of the pool (no new sessions). Refused while they still teach upcoming
    sessions: give those sessions another teacher first."""
    require(actor, CHANGE, teacher.org)
    teacher = lock_one(Teacher, teacher.pk)
    if not teacher.is_active:
        raise DomainError(_("%(name)s is already out of the pool.") % {"name": teacher.name}, code="wrong_stage")
    reason = _text(reason, "reason", _("The reason"))
    upcoming = upcoming_sessions(teacher)
    n = upcoming.count()
    if n:
        first = upcoming.select_related("course").order_by("starts_at").first()
        raise DomainError(_("%(name)s still teaches %(n)s upcoming session(s) (the first: “%(course)s” on "
                            "%(at)s): give them another teacher first.")
                          % {"name": teacher.name, "n": n, "course": first.course.title,
                             "at": timezone.localtime(first.starts_at).strftime("%Y-%m-%d %H:%M")},
                          code="teaches_upcoming", field="reason")
    before = audit.snapshot(teacher, fields=TEACHER_FIELDS)
    teacher.is_active, teacher.deactivated_on = False, today()
    teacher.save()
    after = audit.snapshot(teacher, fields=TEACHER_FIELDS)
    b, a = audit.changed(before, after)
    a["reason"] = reason
    audit.record(actor=actor, action="training.teacher_deactivate", obj=teacher, org=teacher.org, before=b, after=a)
    return teacher


@transaction.atomic
def reactivate_teacher(*, actor, teacher) -> Teacher:
    """Put a teacher back in the pool (a person's teacher must still be a live member)."""
    require(actor, CHANGE, teacher.org)
    teacher = lock_one(Teacher, teacher.pk)
    if teacher.is_active:
        raise DomainError(_("%(name)s is already in the pool.") % {"name": teacher.name}, code="wrong_stage")
    if teacher.person_id:
        _check_person(teacher.kind, teacher.person)
    before = audit.snapshot(teacher, fields=TEACHER_FIELDS)
    teacher.is_active, teacher.deactivated_on = True, None
    teacher.save()
    _record(actor, "training.teacher_reactivate", teacher, before, TEACHER_FIELDS)
    return teacher


# --- exports ----------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def _export_places(actor, org):
    from gonghui.orgs.models import Org

    if org is not None:
        return [org]
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))


def _audit_export(actor, action, object_type, org, filters, rows):
    ref = uuid.uuid4().hex
    for place in _export_places(actor, org) or [None]:
        audit.record(actor=actor, action=action, obj=_ExportRef(ref), object_type=object_type, org=place,
                     after={"filters": filters, "rows": rows})


def export_schools(*, actor, filters):
    """(rewound temporary file, rows): the filtered schools the actor may export."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.schools import filtered_schools

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = WorkerSchool.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_schools(actor, filters).filter(pk__in=exportable).order_by("name", "id")
          .values_list("name", "org__name", "address", "capacity", "modes", "contact_name", "contact_phone",
                       "status", "closed_on", "close_reason"))
    modes, statuses = dict(DeliveryMode.choices), dict(SchoolStatus.choices)
    headers = [_("Name"), _("Run by"), _("Address"), _("Capacity (seats)"), _("Delivery modes"), _("Contact person"),
               _("Contact phone"), _("Status"), pgettext("worker school", "Closed on"), _("Reason for closing")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Worker schools"), headers=headers, widths=[20, 20, 36, 10, 40, 12, 16, 10, 12, 30],
                           text_columns=(6,))
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            row[4] = "、".join(str(modes.get(m, m)) for m in (row[4] or []))
            row[7] = str(statuses.get(row[7], row[7]))
            sheet.append(row)
            rows += 1
    _audit_export(actor, "training.school_export", "training.WorkerSchoolExport", filters.org,
                  {"status": filters.status, "mode": filters.mode, "q": filters.q}, rows)
    return handle, rows


def export_teachers(*, actor, filters):
    """(rewound temporary file, rows): the filtered teachers the actor may export."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.schools import filtered_teachers

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Teacher.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_teachers(actor, filters).filter(pk__in=exportable).order_by("name", "id")
          .values_list("name", "kind", "org__name", "employer", "title", "specialities", "phone_masked",
                       "is_active", "deactivated_on"))
    kinds = dict(TeacherKind.choices)
    headers = [_("Name"), _("Kind"), _("Registered by"), _("Employer"), _("Professional title"), _("Specialities"),
               _("Phone"), _("In the pool"), _("Left the pool on")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Teachers"), headers=headers, widths=[10, 20, 20, 24, 14, 30, 16, 8, 12],
                           text_columns=(6,))
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            row[1] = str(kinds.get(row[1], row[1]))
            row[5] = "、".join(row[5] or [])
            row[7] = _("Yes") if row[7] else _("No")
            sheet.append(row)
            rows += 1
    _audit_export(actor, "training.teacher_export", "training.TeacherExport", filters.org,
                  {"kind": filters.kind, "speciality": filters.speciality, "active": filters.active, "q": filters.q},
                  rows)
    return handle, rows
