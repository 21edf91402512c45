"""Reads of labour competitions (五比五赛); every read that takes a user is scoped.

Scoring arithmetic (shared by the services, the pages, the API and the demo):

- a team's score on a criterion in a round is the mean of the named judges' scores (0–100);
- its round total is Σ (criterion mean × weight / 100), rounded half up to 0.01 (0–100);
- ranks: higher total first; equal totals share a rank (1, 1, 3), listed by team name;
- the leaderboard ranks the mean of each team's closed-round totals the same way; the open round's
  total so far is shown beside it as provisional (criteria not yet scored count as absent).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.core.scoping import scope_q, user_scope
from gonghui.members.models import LIVE_STATUSES, Person
from gonghui.orgs.models import Org

from ..models.labour import (
    CompetitionAward,
    CompetitionCriterion,
    CompetitionEvidence,
    CompetitionScore,
    CompetitionStatus,
    CompetitionTeam,
    LabourCompetition,
    RoundPeriod,
    RoundResult,
    RoundStatus,
    ScoringRound,
)
from ..policies.labour import CHANGE, VIEW
from ..rules.labour import rules

CENT = Decimal("0.01")


def today():
    return timezone.localdate()


# --- arithmetic -------------------------------------------------------------------------------------

def quantize(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_total(means: dict, weights: dict) -> Decimal:
    """Σ mean × weight / 100 over the criteria scored (`means`: code → mean, `weights`: code → %)."""
    return quantize(sum((Decimal(means[c]) * Decimal(weights[c]) / 100 for c in means if c in weights),
                        Decimal(0)))


def rank(totals: dict, names: dict) -> list:
    """[(team_id, total, rank)] highest first; equal totals share a rank, then by team name."""
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], names.get(kv[0], ""), kv[0]))
    out, last, last_rank = [], None, 0
    for n, (team_id, total) in enumerate(ordered, start=1):
        if total != last:
            last_rank, last = n, total
        out.append((team_id, total, last_rank))
    return out


def round_means(round_ids):
    """{round_id: {team_id: {criterion_code: mean}}} from the judges' scores (one grouped query)."""
    rows = (CompetitionScore.objects.filter(round_id__in=list(round_ids)).order_by()
            .values("round_id", "team_id", "criterion__code").annotate(mean=Avg("score")))
    out = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        out[r["round_id"]][r["team_id"]][r["criterion__code"]] = Decimal(str(r["mean"]))
    return out


def weights_of(competition) -> dict:
    return {c.code: c.weight for c in competition.criteria.all()}


def round_totals(rnd, weights) -> dict:
    """{team_id: total} of a round from its scores so far."""
    means = round_means([rnd.pk]).get(rnd.pk, {})
    return {team_id: weighted_total(m, weights) for team_id, m in means.items()}


def missing_scores(rnd, teams, criteria) -> int:
    """How many (team, criterion, judge) scores the round still lacks."""
    judges = list(rnd.judges or [])
    have = set(CompetitionScore.objects.filter(round=rnd).values_list("team_id", "criterion_id", "judge"))
    return sum(1 for t in teams for c in criteria for j in judges if (t.pk, c.pk, j) not in have)


# --- lists ------------------------------------------------------------------------------------------

def competitions(user, action=VIEW):
    return LabourCompetition.objects.visible_to(user, action)


def organised(user, action=CHANGE):
    """Competitions whose organiser lies in the user's reach for `action` (a team's union sees a
    district competition, but does not organise it)."""
    everything, paths = user_scope(user, action)
    if everything:
        return LabourCompetition.objects.all()
    condition = scope_q(("org",), paths)
    return LabourCompetition.objects.filter(condition) if condition is not None else LabourCompetition.objects.none()


@dataclass
class CompetitionFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    year: int | None = None
    period: str = ""


def filtered(user, filters: CompetitionFilters):
    qs = competitions(user)
    if filters.org is not None:
        qs = qs.filter(Q(org__path__startswith=filters.org.path) | Q(teams__org__path__startswith=filters.org.path))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.period:
        qs = qs.filter(period=filters.period)
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(org__name__icontains=q))
    return qs.distinct()


def page_rows():
    return LabourCompetition.objects.select_related("org").annotate(
        team_count=Count("teams", distinct=True),
        round_count=Count("rounds", filter=Q(rounds__status=RoundStatus.CLOSED), distinct=True))


def competition_page(user, filters: CompetitionFilters, *, after=None, size=None):
    return keyset_page(filtered(user, filters), after=after, size=size, load=page_rows())


def summary(user, filters: CompetitionFilters):
    """Counts per status of the filtered list (one grouped query)."""
    ids = filtered(user, filters).values("pk")
    rows = LabourCompetition.objects.filter(pk__in=ids).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


# --- detail -----------------------------------------------------------------------------------------

def competition_detail(competition):
    return (LabourCompetition.objects.filter(pk=competition.pk).select_related("org")
            .prefetch_related(Prefetch("criteria", queryset=CompetitionCriterion.objects.order_by("order", "id")),
                              Prefetch("teams", queryset=CompetitionTeam.objects.select_related("org")
                                       .annotate(evidence_count=Count("evidence")).order_by("name", "id")),
                              Prefetch("rounds", queryset=ScoringRound.objects.order_by("number")),
                              Prefetch("awards", queryset=CompetitionAward.objects.select_related("team", "person")
                                       .order_by("kind", "id")))
            .get())


def open_round_of(c):
    """The open round of a competition loaded by `competition_detail` (no query), or None."""
    return next((r for r in c.rounds.all() if r.status == RoundStatus.OPEN), None)


@dataclass
class BoardRow:
    team: CompetitionTeam
    rank: int | None
    mean: Decimal | None
    totals: list          # per closed round, None where the team has no result
    provisional: Decimal | None


def leaderboard(c) -> list[BoardRow]:
    """The ranking of a competition loaded by `competition_detail` (2 queries)."""
    teams = list(c.teams.all())
    names = {t.pk: t.name for t in teams}
    closed = [r for r in c.rounds.all() if r.status == RoundStatus.CLOSED]
    results = defaultdict(dict)
    for r in RoundResult.objects.filter(round__in=closed).values("round_id", "team_id", "total"):
        results[r["team_id"]][r["round_id"]] = r["total"]
    means = {}
    for t in teams:
        got = list(results[t.pk].values())
        if got:
            means[t.pk] = quantize(sum(got, Decimal(0)) / len(got))
    ranks = {team_id: n for team_id, _total, n in rank(means, names)}
    current = open_round_of(c)
    provisional = round_totals(current, weights_of(c)) if current else {}
    rows = [BoardRow(team=t, rank=ranks.get(t.pk), mean=means.get(t.pk),
                     totals=[results[t.pk].get(r.pk) for r in closed], provisional=provisional.get(t.pk))
            for t in teams]
    return sorted(rows, key=lambda b: (b.rank is None, b.rank or 0, -(b.provisional or 0), b.team.name))


def history_chart(c, board) -> dict | None:
    """ECharts option: each team's weighted total per closed round (a line per team)."""
    closed = [r for r in c.rounds.all() if r.status == RoundStatus.CLOSED]
    if not closed or not board:
        return None
    return {
        "tooltip": {"trigger": "axis"},
        # The legend sits below the plot: at the top it covered the y axis's name.
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 16, "top": 40, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": [r.label for r in closed]},
        "yAxis": {"type": "value", "name": _("Weighted total"), "min": 0, "max": 100},
        "series": [{"name": b.team.name, "type": "line", "smooth": False,
                    "data": [float(v) if v is not None else None for v in b.totals]} for b in board[:12]],
    }


def next_period(c, last=None):
    """(label, first day, last day) of the round after `last` (or the first one), by the
    competition's period: the calendar month or quarter from the day after the previous round (or
    from the start), cut at the competition's end; None once the competition's end is passed."""
    start = last.period_ends_on + datetime.timedelta(days=1) if last else c.starts_on
    if start > c.ends_on:
        return None
    if c.period == RoundPeriod.QUARTERLY:
        quarter = (start.month - 1) // 3 + 1
        month_after = quarter * 3 + 1
        label = _("%(year)s Q%(n)s") % {"year": start.year, "n": quarter}
    else:
        month_after = start.month + 1
        label = _("%(year)s-%(month)02d") % {"year": start.year, "month": start.month}
    year_after, month_after = (start.year + 1, month_after - 12) if month_after > 12 else (start.year, month_after)
    end = datetime.date(year_after, month_after, 1) - datetime.timedelta(days=1)
    return label, start, min(end, c.ends_on)


def round_sheet(rnd, teams, criteria):
    """The scores of a round as {(team_id, criterion_id, judge): score} (one query)."""
    return {(s.team_id, s.criterion_id, s.judge): s.score for s in CompetitionScore.objects.filter(round=rnd)}


def evidence_of(user, competition_pk, evidence_pk):
    """An evidence file of a competition the user can see, or None (→ 404)."""
    visible = competitions(user).filter(pk=competition_pk).values("pk")
    return (CompetitionEvidence.objects.select_related("team__competition__org", "team__org")
            .filter(pk=evidence_pk, team__competition_id__in=visible).first())


def team_evidence(c):
    return list(CompetitionEvidence.objects.filter(team__competition=c).select_related("team", "round", "criterion")
                .order_by("-id")[:200])


def team_org_choices(c, q="", limit=50):
    """Active orgs in the organiser's subtree that may field a team, by name."""
    qs = Org.objects.filter(path__startswith=c.org.path, is_active=True)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def person_choices(team, q="", limit=50):
    """People with a live membership in the team's union subtree, by name."""
    qs = Person.objects.filter(memberships__union__path__startswith=team.org.path,
                               memberships__status__in=LIVE_STATUSES).distinct()
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("name", "id")[:limit])


# --- overview and due ------------------------------------------------------------------------------

def overview_card(user):
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    ids = competitions(user).values("pk")
    counts = LabourCompetition.objects.filter(pk__in=ids).order_by().aggregate(
        running=Count("pk", filter=Q(status=CompetitionStatus.RUNNING), distinct=True),
        finished=Count("pk", filter=Q(status=CompetitionStatus.FINISHED), distinct=True),
        teams=Count("teams", filter=Q(status=CompetitionStatus.RUNNING)))
    awards = CompetitionAward.objects.filter(competition__in=ids).count()
    url = reverse("competitions:competition_list")
    return Card(title=_("Labour competitions"), url=url, rows=[
        Row(_("Under way"), counts["running"], f"{url}?status=RUNNING"),
        Row(_("Teams competing"), counts["teams"], f"{url}?status=RUNNING"),
        Row(_("Finished"), counts["finished"], f"{url}?status=FINISHED"),
        Row(_("立功 awards conferred"), awards, f"{url}?status=FINISHED"),
    ])


def overdue_limit(on):
    return on - datetime.timedelta(days=rules().round_due_days)


def due_rounds_summary(user):
    """Dashboard line: open scoring rounds of competitions the user organises, overdue once their
    period ended more than `rules().round_due_days` days ago, else due soon once it ended."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    on = today()
    ids = organised(user).filter(status=CompetitionStatus.RUNNING).values("pk")
    counts = (ScoringRound.objects.filter(competition__in=ids, status=RoundStatus.OPEN, period_ends_on__lt=on)
              .order_by().aggregate(overdue=Count("pk", filter=Q(period_ends_on__lt=overdue_limit(on))),
                                    soon=Count("pk", filter=Q(period_ends_on__gte=overdue_limit(on)))))
    return DueSummary(label=_("Competition rounds to score and close"), overdue=counts["overdue"],
                      soon=counts["soon"], url=reverse("competitions:competition_list") + "?status=RUNNING")


DUE_SOURCES = (due_rounds_summary,)
