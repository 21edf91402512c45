"""Reads of skills contests (技能比武); every read that takes a user is scoped.

- `contests(user)`: contests organised in the user's subtree or above it (`SkillContest.objects
  .visible_to`); `entries(user)`: entries of the subtree's unions and of contests the user
  organises.
- `eligibility_problems(contest, person, membership)`: the reasons a person may not enter (empty
  when eligible): no live membership, union outside the organiser's subtree, age on the contest
  day outside the range, skill grade below the minimum.
- `overview_card`, `DUE_SOURCES`: the module overview's card and the dashboard's due-soon line
  (contests held whose results are not published within `rules().results_due_days`).
"""

import datetime
from dataclasses import asdict, dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.members.models import Membership, SkillLevel

from ..models.contests import (
    ContestEntry,
    ContestEntryStatus,
    ContestStatus,
    SkillContest,
    skill_rank,
)
from ..policies.contests import CHANGE, SUBMIT, VIEW
from ..rules.contests import rules


def today():
    return timezone.localdate()


def contests(user, action=VIEW):
    return SkillContest.objects.visible_to(user, action)


def entries(user, action=VIEW):
    return ContestEntry.objects.visible_to(user, action)


def age_on(birth_on, day) -> int:
    return day.year - birth_on.year - ((day.month, day.day) < (birth_on.month, birth_on.day))


def eligibility_problems(contest, person, membership) -> list[str]:
    problems = []
    if membership is None or not membership.is_live:
        problems.append(_("not a member of a union now"))
    elif not membership.union.path.startswith(contest.org.path):
        problems.append(_("their union %(union)s is outside the organiser's area") % {"union": membership.union.name})
    age = age_on(person.birth_on, contest.held_on)
    if not contest.min_age <= age <= contest.max_age:
        problems.append(_("aged %(age)s on the contest day, outside %(min)s–%(max)s")
                        % {"age": age, "min": contest.min_age, "max": contest.max_age})
    if skill_rank(person.skill_level) < skill_rank(contest.min_skill_level):
        problems.append(_("skill grade %(have)s is below the required %(need)s")
                        % {"have": SkillLevel(person.skill_level).label,
                           "need": SkillLevel(contest.min_skill_level).label})
    return problems


@dataclass
class ContestFilters:
    q: str = ""
    org: object = None
    year: int | None = None
    level: str = ""
    status: str = ""
    trade: object = None
    regular: bool = False

    def as_dict(self):
        d = asdict(self)
        d["org"] = self.org.pk if self.org is not None else None
        d["trade"] = self.trade.pk if self.trade is not None else None
        return d


def filtered(user, f: ContestFilters):
    qs = contests(user)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(trade__name__icontains=f.q) | Q(org__name__icontains=f.q))
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.trade is not None:
        qs = qs.filter(trade=f.trade)
    if f.regular:
        qs = qs.filter(trade__is_regular=True)
    return qs


def with_counts(qs):
    return qs.select_related("org", "trade").annotate(
        registered=Count("entries", filter=Q(entries__status=ContestEntryStatus.REGISTERED)))


def contest_page(user, f: ContestFilters, *, after=None, size=None):
    return keyset_page(filtered(user, f), after=after, size=size, load=with_counts(SkillContest.objects.all()))


def contest_rows(user, f: ContestFilters):
    return with_counts(filtered(user, f)).order_by("-year", "-id")


def summary(user, f: ContestFilters) -> dict:
    return dict(filtered(user, f).order_by().values_list("status").annotate(n=Count("pk")))


def contest_entries(contest, user):
    """The entries of a contest the user may see: all of them for whoever sees the organiser,
    else those of the user's unions. Ranked first (by rank), then by exam number."""
    qs = contest.entries.select_related("union")
    if not user.can(VIEW, contest.org):
        qs = qs.filter(pk__in=entries(user).filter(contest=contest).values("pk"))
    return sorted(qs, key=lambda e: (e.rank is None, e.rank or 0, e.status != ContestEntryStatus.REGISTERED,
                                     e.exam_no))


def registered_count(contest) -> int:
    return contest.entries.filter(status=ContestEntryStatus.REGISTERED).count()


def candidates(user, contest, q, limit=20):
    """Live members the user may register (submit on their union), in the organiser's subtree,
    whose name starts with `q`; not already registered."""
    q = (q or "").strip()
    if not q:
        return []
    qs = (Membership.objects.live().visible_to(user, SUBMIT)
          .filter(union__path__startswith=contest.org.path, person_name__startswith=q)
          .exclude(Exists(ContestEntry.objects.filter(contest=contest, person=OuterRef("person"),
                                                      status=ContestEntryStatus.REGISTERED)))
          .select_related("person", "union").order_by("person_name", "id"))
    return list(qs[:limit])


def registrable_membership(user, pk):
    """The membership `pk` if the user may register its member (submit on its union), else None."""
    if pk is None:
        return None
    return Membership.objects.visible_to(user, SUBMIT).select_related("person", "union").filter(pk=pk).first()


def organised_by(user):
    """Orgs the user may organise a contest at (change): the top of their reach and its children."""
    from gonghui.core.selectors import reach_orgs
    from gonghui.orgs.models import OrgLevel

    return [o for o in reach_orgs(user, CHANGE)
            if o.level in (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM, OrgLevel.GRASSROOTS)]


# --- overview and due-soon ----------------------------------------------------------------------------

def results_due_before(on=None) -> datetime.date:
    return (on or today()) - datetime.timedelta(days=rules().results_due_days)


def overview_card(user):
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = today().year
    url = reverse("competitions:contest_list")
    c = contests(user).filter(year=year).order_by().aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status=ContestStatus.OPEN)),
        published=Count("pk", filter=Q(status=ContestStatus.PUBLISHED)),
        late=Count("pk", filter=Q(status=ContestStatus.CLOSED, held_on__lt=results_due_before())))
    n = entries(user).filter(contest__year=year, status=ContestEntryStatus.REGISTERED).order_by().aggregate(
        n=Count("pk"))["n"]
    return Card(title=_("Skills contests %(year)s") % {"year": year}, url=url, rows=[
        Row(_("Contests"), c["total"], f"{url}?year={year}"),
        Row(_("Registration open"), c["open"], f"{url}?year={year}&status=OPEN"),
        Row(_("Results published"), c["published"], f"{url}?year={year}&status=PUBLISHED"),
        Row(_("Workers registered"), n),
        Row(_("Results overdue"), c["late"], f"{url}?status=CLOSED", alert=bool(c["late"])),
    ])


def due_results_summary(user):
    """Dashboard line: contests the user organises that were held and wait for their results:
    overdue after `results_due_days`, else due. One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    limit = results_due_before()
    organised = SkillContest.objects.organised_by(user, CHANGE)
    counts = organised.filter(status=ContestStatus.CLOSED, held_on__lte=today()).order_by().aggregate(
        overdue=Count("pk", filter=Q(held_on__lt=limit)), soon=Count("pk", filter=Q(held_on__gte=limit)))
    return DueSummary(label=_("Skills contest results to publish"), overdue=counts["overdue"], soon=counts["soon"],
                      url=reverse("competitions:contest_list") + "?status=CLOSED")


DUE_SOURCES = (due_results_summary,)
