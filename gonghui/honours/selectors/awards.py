"""Reads of awards; every read that takes a user is scoped (`visible_to`).

Eligibility of a 工人先锋号 team (`team_eligibility`) is computed from the records of the sibling
apps through their selectors, the way the 职工之家 AUTO sources read them:
- the enterprise has a grassroots union (orgs) — the nominating union or one under it;
- a workers' congress session (or all-staff meeting) was held this year or last year
  (congress `selectors.status.held_ids`);
- a collective (wage) agreement is in force on the day (bargaining `in_force_on`), the union's
  own or one covering the enterprise;
- and what the union declares, since no platform module records them yet: wage arrears, social
  insurance not paid for all staff, a serious safety accident in the last 3 years.
Any failed check blocks the nomination with its reason.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org, OrgLevel

from ..models.awards import (
    LIVE_NOMINATION_STATUSES,
    HonourNomination,
    HonourObjection,
    HonourQuota,
    HonourRecord,
    HonourType,
    NominationStatus,
    ObjectionStatus,
)
from ..policies.awards import CONFER, REVIEW, VIEW
from ..rules.awards import rules


def today():
    return timezone.localdate()


# --- eligibility of a 工人先锋号 team -------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    text: str


def team_eligibility(*, enterprise, union, on, wage_arrears=False, no_social_insurance=False,
                     serious_accident_on=None) -> list[Check]:
    """Every check of a team of `enterprise` nominated by `union` as of `on` (see the module doc)."""
    from gonghui.bargaining.models import WageAgreement
    from gonghui.congress.selectors.status import held_ids

    r = rules()
    checks = []
    own = enterprise.union
    has_union = (own is not None and own.is_active and own.level == OrgLevel.GRASSROOTS
                 and own.path.startswith(union.path))
    checks.append(Check("union", has_union, _("The enterprise has a grassroots union") if has_union
                        else _("The enterprise has no grassroots union of the nominating union")))
    years = [on.year - n for n in range(r.congress_years)]
    held = any(held_ids(y).filter(body__enterprise=enterprise).exists() for y in years)
    checks.append(Check("congress", held, _("A workers' congress was held in %(years)s")
                        % {"years": "、".join(str(y) for y in sorted(years))} if held
                        else _("No workers' congress held in %(years)s")
                        % {"years": "、".join(str(y) for y in sorted(years))}))
    in_force = WageAgreement.objects.in_force_on(on)
    agreement = (own is not None and in_force.filter(org=own).exists()) \
        or in_force.filter(coverages__enterprise=enterprise).exists()
    checks.append(Check("agreement", agreement, _("A collective agreement is in force") if agreement
                        else _("No collective agreement in force on %(day)s") % {"day": on.isoformat()}))
    checks.append(Check("wages", not wage_arrears, _("No wage arrears declared") if not wage_arrears
                        else _("Wage arrears declared")))
    checks.append(Check("insurance", not no_social_insurance, _("Social insurance paid for the staff")
                        if not no_social_insurance else _("Social insurance not paid for all staff")))
    limit = on.replace(year=on.year - r.accident_years) if not (on.month == 2 and on.day == 29) \
        else datetime.date(on.year - r.accident_years, 2, 28)
    accident = serious_accident_on is not None and serious_accident_on > limit
    checks.append(Check("safety", not accident, _("No serious safety accident in the last %(n)s years")
                        % {"n": r.accident_years} if not accident
                        else _("A serious safety accident on %(day)s, within the last %(n)s years")
                        % {"day": serious_accident_on.isoformat(), "n": r.accident_years}))
    return checks


def blocked_reasons(checks) -> list[str]:
    return [c.text for c in checks if not c.ok]


# --- types and quotas ------------------------------------------------------------------------------

def award_types(active_only=False):
    qs = HonourType.objects.order_by("id")
    return qs.filter(is_active=True) if active_only else qs


def quota_for(honour_type, union, year):
    """The quota a nomination by `union` uses: the nearest org at or above the union holding a
    quota of the type for the year, or None."""
    paths = [union.path[:n] for n in range(len(union.path), 0, -Org.steplen)]
    quotas = {q.org.path: q for q in HonourQuota.objects.select_related("org")
              .filter(honour_type=honour_type, year=year, org__path__in=paths)}
    for path in paths:
        if path in quotas:
            return quotas[path]
    return None


def quotas(user, year, action=VIEW):
    """The quotas of the year the user may see, with the places used (one grouped query)."""
    return (HonourQuota.objects.visible_to(user, action).filter(year=year).select_related("org", "honour_type")
            .annotate(used=Count("nominations", filter=Q(nominations__status__in=LIVE_NOMINATION_STATUSES)))
            .order_by("honour_type_id", "org__path"))


def quotas_for_union(union, year):
    """The quota each award type's nomination by `union` would use in `year` (the nearest org at or
    above it, as `quota_for`), with the places used: one query. Read under the union the caller
    was allowed to nominate for, so a union's staff see their town's quota."""
    paths = [union.path[:n] for n in range(len(union.path), 0, -Org.steplen)]
    rows = (HonourQuota.objects.filter(year=year, org__path__in=paths).select_related("org", "honour_type")
            .annotate(used=Count("nominations", filter=Q(nominations__status__in=LIVE_NOMINATION_STATUSES))))
    nearest = {}
    for q in sorted(rows, key=lambda q: -len(q.org.path)):
        nearest.setdefault(q.honour_type_id, q)
    return [nearest[k] for k in sorted(nearest)]


def used_places(quota) -> int:
    return quota.nominations.filter(status__in=LIVE_NOMINATION_STATUSES).count()


# --- nominations -----------------------------------------------------------------------------------

def nominations(user, action=VIEW):
    return HonourNomination.objects.visible_to(user, action)


@dataclass
class NominationFilters:
    q: str = ""
    org: Org | None = None
    honour_type: HonourType | None = None
    status: str = ""
    year: int | None = None
    due: str = ""   # "review": waiting for the user's review; "confer": 公示 over, ready to confer


def filtered(user, f: NominationFilters, *, on=None):
    qs = nominations(user)
    on = on or today()
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.honour_type is not None:
        qs = qs.filter(honour_type=f.honour_type)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(year=f.year)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(person__name__icontains=q) | Q(team_name__icontains=q) | Q(org__name__icontains=q))
    if f.due == "review":
        qs = qs.filter(status__in=(NominationStatus.SUBMITTED, NominationStatus.FORWARDED))
    elif f.due == "confer":
        qs = qs.filter(status=NominationStatus.NOTICE, notice_ends_on__lt=on)
    return qs


def page_rows():
    return HonourNomination.objects.select_related("org", "honour_type", "person")


def nomination_page(user, f: NominationFilters, *, after=None, size=None, on=None):
    return keyset_page(filtered(user, f, on=on), after=after, size=size, load=page_rows())


def summary(user, f: NominationFilters, *, on=None):
    rows = filtered(user, f, on=on).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def nomination_detail(nomination):
    return (HonourNomination.objects.select_related("org", "honour_type", "person", "enterprise", "quota__org",
                                                    "record")
            .prefetch_related("objections").get(pk=nomination.pk))


def open_objections(nomination) -> int:
    return nomination.objections.filter(status=ObjectionStatus.OPEN).count()


def objection_of(nomination, objection_pk):
    return HonourObjection.objects.filter(nomination=nomination, pk=objection_pk).first()


def union_choices(user, action, q="", limit=50):
    qs = Org.objects.visible_to(user, action).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


# --- records ---------------------------------------------------------------------------------------

def records(user, action=VIEW):
    return HonourRecord.objects.visible_to(user, action)


@dataclass
class RecordFilters:
    q: str = ""
    org: Org | None = None
    category: str = ""
    level: str = ""
    year: int | None = None


def filtered_records(user, f: RecordFilters):
    qs = records(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.year:
        qs = qs.filter(year=f.year)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(person__name__icontains=q) | Q(team_name__icontains=q) | Q(title__icontains=q))
    return qs


def record_rows():
    return HonourRecord.objects.select_related("org", "person")


def record_page(user, f: RecordFilters, *, after=None, size=None):
    return keyset_page(filtered_records(user, f), after=after, size=size, load=record_rows())


def person_nominations(user, person, limit=50):
    """The person's nominations the user may see, newest first (a person's page lists them)."""
    return list(nominations(user).filter(person=person).select_related("honour_type", "org").order_by("-id")[:limit])


def nomination_of_record(user, record):
    """The nomination an award's record came from, if the user may see it (None for other honours)."""
    return nominations(user).filter(record=record).select_related("honour_type").first()


def person_records(user, person):
    """The person's honours the user may see (records in the user's subtree), newest first."""
    return records(user).filter(person=person).select_related("org").order_by("-conferred_on", "-id")


# --- overview and due soon -----------------------------------------------------------------------------

def due_summary(user):
    """Dashboard line: nominations waiting for the user's step (town: SUBMITTED; district:
    FORWARDED, and 公示 ended ready to confer). Overdue: a review waiting more than
    `review_working_days`, a conferral waiting past the notice end. One aggregate query."""
    from django.urls import reverse

    from gonghui.core import workdays
    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated:
        return None
    review, confer = user.can(REVIEW), user.can(CONFER)
    if not (review or confer):
        return None
    on = today()
    cond = Q(pk__in=[])
    if review:
        cond |= Q(status=NominationStatus.SUBMITTED)
    if confer:
        cond |= Q(status=NominationStatus.FORWARDED) | Q(status=NominationStatus.NOTICE, notice_ends_on__lt=on)
    late = workdays.add_working_days(on, -rules().review_working_days)
    counts = nominations(user).filter(cond).order_by().aggregate(
        overdue=Count("pk", filter=Q(submitted_on__lt=late) & ~Q(status=NominationStatus.NOTICE)),
        all=Count("pk"))
    return DueSummary(label=_("Honour nominations to act on"), overdue=counts["overdue"],
                      soon=counts["all"] - counts["overdue"], url=reverse("honours:nomination_list") + "?due=review")


DUE_SOURCES = (due_summary,)


def overview_card(user):
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = today().year
    counts = nominations(user).filter(year=year).order_by().aggregate(
        waiting=Count("pk", filter=Q(status__in=(NominationStatus.SUBMITTED, NominationStatus.FORWARDED))),
        notice=Count("pk", filter=Q(status=NominationStatus.NOTICE)),
        conferred=Count("pk", filter=Q(status=NominationStatus.CONFERRED)))
    held = records(user).filter(year=year).order_by().count()
    url = reverse("honours:nomination_list")
    return Card(title=_("Awards %(year)s") % {"year": year}, url=url, rows=[
        Row(_("Nominations under review"), counts["waiting"], url + f"?year={year}&due=review"),
        Row(_("Under public notice"), counts["notice"], url + f"?year={year}&status=NOTICE"),
        Row(_("Conferred"), counts["conferred"], url + f"?year={year}&status=CONFERRED"),
        Row(_("Honours recorded this year"), held, reverse("honours:record_list") + f"?year={year}"),
    ])
