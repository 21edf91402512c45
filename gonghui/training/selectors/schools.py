"""Reads of worker schools and the teacher pool; every read that takes a user is scoped
(`WorkerSchool` and `Teacher` through the running / registering org's subtree; a teacher's
sessions through `Course.objects.visible_to`)."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from ..models.schools import SchoolStatus, Teacher, WorkerSchool
from ..policies.schools import VIEW
from ..rules.schools import rules

# Due-soon sources this area registers with the dashboard (see core.overview): none — schools
# and teachers have no deadlines.
DUE_SOURCES = ()


def schools(user, action=VIEW):
    """Schools run in the user's subtree (what they manage)."""
    return WorkerSchool.objects.visible_to(user, action)


def teachers(user, action=VIEW):
    """Teachers registered in the user's subtree (what they manage)."""
    return Teacher.objects.visible_to(user, action)


# The district's schools and teacher pool (and a town's) are shared down the tree: a town or a
# union organising a course picks them and may read their pages, but only their own org (or one
# above it) changes them.

def _ancestor_paths(path, steplen=Org.steplen):
    return [path[:i] for i in range(steplen, len(path), steplen)]


def _readable(model, user):
    from gonghui.core.scoping import scope_q, user_scope

    everything, paths = user_scope(user, VIEW)
    if everything:
        return model.objects.all()
    cond = scope_q(("org",), paths)
    if cond is None:
        return model.objects.none()
    above = sorted({a for p in paths for a in _ancestor_paths(p)})
    if above:
        cond |= Q(org__path__in=above)
    return model.objects.filter(cond)


def readable_schools(user):
    """Schools the user may read: run in their subtree or above it (their town's, the district's)."""
    return _readable(WorkerSchool, user)


def readable_teachers(user):
    """Teachers the user may read: registered in their subtree or above it."""
    return _readable(Teacher, user)


def usable_by(org):
    """Q of schools / teachers an organiser `org` may use for its courses: those of its subtree and
    those of the orgs above it (the town's, the district's)."""
    return Q(org__path__startswith=org.path) | Q(org__path__in=_ancestor_paths(org.path))


def usable_schools(org):
    return WorkerSchool.objects.filter(usable_by(org), status=SchoolStatus.ACTIVE).order_by("name", "id")


def usable_teachers(org):
    return Teacher.objects.filter(usable_by(org), is_active=True).order_by("name", "id")


# --- schools --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SchoolFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    mode: str = ""


def filtered_schools(user, f: SchoolFilters):
    qs = readable_schools(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.mode:
        # The codes are ASCII words, quoted in the JSON text: one portable LIKE.
        qs = qs.filter(modes__icontains=f'"{f.mode}"')
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(org__name__icontains=q))
    return qs


def school_rows():
    return WorkerSchool.objects.select_related("org")


def school_page(user, f: SchoolFilters, *, after=None, size=None):
    return keyset_page(filtered_schools(user, f), after=after, size=size, load=school_rows())


def school_status_counts(user, f: SchoolFilters):
    rows = filtered_schools(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def school_courses(user, school, limit=20):
    """(courses at the school the user may see, newest first, up to `limit`; counts by status)."""
    from ..models.courses import Course

    qs = Course.objects.visible_to(user, VIEW).filter(school=school)
    counts = {r["status"]: r["n"] for r in qs.order_by().values("status").annotate(n=Count("pk"))}
    return list(qs.select_related("org").order_by("-year", "-id")[:limit]), counts


def school_choices(user, *, action=VIEW, running_only=True):
    """Schools the user may pick (e.g. for a course), by name."""
    qs = schools(user, action)
    if running_only:
        qs = qs.filter(status=SchoolStatus.ACTIVE)
    return qs.select_related("org").order_by("name", "id")


def running_org_choices(user, action):
    """Orgs that may run a school where the user may `action` (district, towns, platforms)."""
    from ..services.schools import SCHOOL_ORG_LEVELS

    return list(Org.objects.visible_to(user, action).filter(level__in=SCHOOL_ORG_LEVELS, is_active=True)
                .order_by("path")[:100])


# --- teachers -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TeacherFilters:
    q: str = ""
    org: Org | None = None
    kind: str = ""
    speciality: str = ""
    active: str = ""  # "": all, "1": in the pool, "0": out of it


def filtered_teachers(user, f: TeacherFilters):
    qs = readable_teachers(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.speciality:
        qs = qs.filter(specialities_key__contains=f"|{f.speciality.strip()}|")
    if f.active == "1":
        qs = qs.filter(is_active=True)
    elif f.active == "0":
        qs = qs.filter(is_active=False)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(name__startswith=q) | Q(employer__icontains=q) | Q(specialities_key__icontains=q))
    return qs


def teacher_rows():
    return Teacher.objects.select_related("org", "person")


def teacher_page(user, f: TeacherFilters, *, after=None, size=None):
    return keyset_page(filtered_teachers(user, f), after=after, size=size, load=teacher_rows())


def teacher_kind_counts(user, f: TeacherFilters):
    rows = filtered_teachers(user, f).order_by().values("kind").annotate(n=Count("pk"))
    return {r["kind"]: r["n"] for r in rows}


def speciality_choices(user, limit=300):
    """The specialities used in the user's pool, most used first (read from the search copy of
    the active teachers: one query, counted in Python over at most a few thousand short rows)."""
    counts = {}
    for key in teachers(user).filter(is_active=True).values_list("specialities_key", flat=True).iterator(
            chunk_size=2000):
        for word in key.strip("|").split("|"):
            if word:
                counts[word] = counts.get(word, 0) + 1
    return [w for w, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]


def teacher_choices(user, *, action=VIEW, speciality=""):
    """Teachers in the pool the user may pick (e.g. for a session), by name."""
    qs = teachers(user, action).filter(is_active=True)
    if speciality:
        qs = qs.filter(specialities_key__contains=f"|{speciality}|")
    return qs.order_by("name", "id")


def teacher_sessions(user, teacher):
    """(the teacher's sessions in courses the user may see, newest first, up to the rule's
    number; totals {sessions, hours, upcoming} over all of them). Two queries."""
    from django.utils import timezone

    from ..models.courses import Course, CourseSession

    qs = CourseSession.objects.filter(teacher=teacher, course__in=Course.objects.visible_to(user, VIEW))
    totals = qs.order_by().aggregate(
        sessions=Count("pk", filter=Q(is_cancelled=False)),
        hours=Sum("hours", filter=Q(is_cancelled=False)),
        upcoming=Count("pk", filter=Q(is_cancelled=False, starts_at__gte=timezone.now())))
    rows = list(qs.select_related("course", "course__school").order_by("-starts_at", "-id")
                [:rules().teacher_sessions_shown])
    totals["hours"] = totals["hours"] or 0
    return rows, totals


def person_choices(user, q="", limit=50, action=VIEW):
    """People of the registry the user may see holding a live membership, by the start of the
    name (whom an internal master or model worker may be)."""
    from gonghui.members.models import LIVE_STATUSES, Person

    q = (q or "").strip()
    if not q:
        return []
    qs = (Person.objects.visible_to(user, action).filter(name__startswith=q, memberships__status__in=LIVE_STATUSES)
          .distinct().order_by("name", "pk"))
    return list(qs[:limit])


# --- overview -------------------------------------------------------------------------------------

def overview_card(user):
    """Worker schools and teachers on the module overview: schools running (and their seats),
    teachers in the pool. Two aggregate scoped queries."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    s = schools(user).order_by().aggregate(running=Count("pk", filter=Q(status=SchoolStatus.ACTIVE)),
                                           seats=Sum("capacity", filter=Q(status=SchoolStatus.ACTIVE)))
    t = teachers(user).order_by().aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        masters=Count("pk", filter=Q(is_active=True, kind__in=("INTERNAL_MASTER", "MODEL_WORKER"))))
    schools_url, teachers_url = reverse("training:school_list"), reverse("training:teacher_list")
    return Card(title=_("Worker schools and teachers"), url=schools_url, rows=[
        Row(_("Schools running"), s["running"], schools_url + "?status=ACTIVE"),
        Row(_("Seats at running schools"), s["seats"] or 0, schools_url + "?status=ACTIVE"),
        Row(_("Teachers in the pool"), t["active"], teachers_url + "?active=1"),
        Row(_("Of them masters and model workers"), t["masters"], teachers_url + "?active=1"),
    ])
