"""Reads of 名师带徒 pairs; every read that takes a user is scoped (the pair's union's subtree)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org, OrgLevel

from ..models.mentoring import AssessmentResult, Mentorship, MentorshipStatus
from ..policies.mentoring import CHANGE, VIEW
from ..rules.mentoring import rules

DUE_OVERDUE, DUE_SOON, DUE_ASSESS = "overdue", "soon", "assess"


def today():
    return timezone.localdate()


def mentorships(user):
    return Mentorship.objects.visible_to(user, VIEW)


@dataclass(frozen=True)
class MentorshipFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    trade: str = ""
    year: int | None = None  # term starting in that year
    due: str = ""  # overdue / soon (progress report), assess (term over, not assessed)
    result: str = ""


def filtered_mentorships(user, f: MentorshipFilters, *, on=None):
    qs = mentorships(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.trade:
        qs = qs.filter(trade=f.trade)
    if f.year:
        qs = qs.filter(starts_on__year=f.year)
    if f.result:
        qs = qs.filter(assessment__result=f.result)
    day = on or today()
    if f.due == DUE_OVERDUE:
        qs = qs.filter(status=MentorshipStatus.ACTIVE, next_report_due_on__lt=day)
    elif f.due == DUE_SOON:
        qs = qs.filter(status=MentorshipStatus.ACTIVE, next_report_due_on__gte=day,
                       next_report_due_on__lte=day + datetime.timedelta(days=rules().due_soon_days))
    elif f.due == DUE_ASSESS:
        qs = qs.filter(status=MentorshipStatus.ACTIVE, ends_on__lt=day)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(apprentice__name__startswith=q) | Q(master_name__startswith=q) | Q(trade__icontains=q)
                       | Q(org__name__icontains=q))
    return qs


def mentorship_rows():
    return Mentorship.objects.select_related("org", "town", "apprentice", "assessment")


def mentorship_page(user, f: MentorshipFilters, *, after=None, size=None):
    return keyset_page(filtered_mentorships(user, f), after=after, size=size, load=mentorship_rows())


def status_counts(user, f: MentorshipFilters):
    rows = filtered_mentorships(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def trade_choices(user):
    return list(mentorships(user).order_by("trade").values_list("trade", flat=True).distinct()[:200])


def mentorship_detail(m):
    return (Mentorship.objects.select_related("org", "town", "apprentice", "master_teacher", "master_person",
                                              "course").get(pk=m.pk))


def reports_of(m):
    return list(m.reports.select_related("submitted_by").order_by("period_no"))


def assessment_of(m):
    from ..models.mentoring import MentorshipAssessment

    return MentorshipAssessment.objects.filter(mentorship=m).first()


def schedule(m, reports):
    """[(no, first, last, due, report or None, overdue)] of the pair's periods."""
    from ..services.mentoring import periods

    by_no = {r.period_no: r for r in reports}
    day = today()
    active = m.status == MentorshipStatus.ACTIVE
    return [(no, first, last, due, by_no.get(no), active and no not in by_no and due < day)
            for no, first, last, due in periods(m.starts_on, m.ends_on)]


def union_choices(user, q="", limit=50):
    """Active grassroots unions where the user may create pairs, by name."""
    qs = Org.objects.visible_to(user, CHANGE).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def member_choices(union, q=""):
    """Live members of a union (people), by name."""
    from gonghui.members.models import LIVE_STATUSES, Person

    qs = Person.objects.filter(memberships__union=union, memberships__status__in=LIVE_STATUSES)
    if q:
        qs = qs.filter(name__startswith=q.strip())
    return qs.order_by("name", "pk").distinct()


def teacher_choices(user, org):
    from ..services.mentoring import usable_teachers

    return usable_teachers(user, org).order_by("name", "pk")


def master_course_choices(user):
    from ..models.courses import Course, Programme

    return Course.objects.visible_to(user, VIEW).filter(programme=Programme.MASTER_APPRENTICE).order_by("-year", "-id")


# --- overview and due soon ----------------------------------------------------------------------

def overview_card(user):
    """名师带徒 on the training overview: active pairs, reports overdue, assessments passed and
    skill levels raised this year. One aggregate scoped query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    day = today()
    c = mentorships(user).order_by().aggregate(
        active=Count("pk", filter=Q(status=MentorshipStatus.ACTIVE)),
        overdue=Count("pk", filter=Q(status=MentorshipStatus.ACTIVE, next_report_due_on__lt=day)),
        passed=Count("pk", filter=Q(assessment__result=AssessmentResult.PASS,
                                    assessment__assessed_on__year=day.year)),
        raised=Count("pk", filter=Q(assessment__assessed_on__year=day.year) & ~Q(assessment__new_skill_level="")))
    url = reverse("training:mentoring_list")
    return Card(title=_("Master and apprentice"), url=url, rows=[
        Row(_("Pairs in progress"), c["active"], url + "?status=ACTIVE"),
        Row(_("Progress reports overdue"), c["overdue"], url + "?due=overdue", alert=bool(c["overdue"])),
        Row(_("Passed the final assessment this year"), c["passed"], url + "?result=PASS"),
        Row(_("Skill levels raised this year"), c["raised"], url + "?result=PASS"),
    ])


def due_reports_summary(user):
    """Dashboard line for whoever writes the reports (`training.change`): progress reports overdue
    and due within `due_soon_days`. One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    day = today()
    soon = day + datetime.timedelta(days=rules().due_soon_days)
    c = (Mentorship.objects.visible_to(user, CHANGE).filter(status=MentorshipStatus.ACTIVE).order_by()
         .aggregate(overdue=Count("pk", filter=Q(next_report_due_on__lt=day)),
                    soon=Count("pk", filter=Q(next_report_due_on__gte=day, next_report_due_on__lte=soon))))
    return DueSummary(label=_("Master-apprentice progress reports"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("training:mentoring_list") + "?due=overdue")


def due_assessments_summary(user):
    """Dashboard line: pairs whose term is over (overdue) or ends within `due_soon_days` without
    a final assessment. One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    day = today()
    soon = day + datetime.timedelta(days=rules().due_soon_days)
    c = (Mentorship.objects.visible_to(user, CHANGE).filter(status=MentorshipStatus.ACTIVE).order_by()
         .aggregate(overdue=Count("pk", filter=Q(ends_on__lt=day)),
                    soon=Count("pk", filter=Q(ends_on__gte=day, ends_on__lte=soon))))
    return DueSummary(label=_("Master-apprentice final assessments"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("training:mentoring_list") + "?due=assess")


DUE_SOURCES = (due_reports_summary, due_assessments_summary)
