"""Statistics of workers' congresses and proposals for one year, from the records only (issue 5,
item 5), in a user's reach, by town, by industry and by enterprise size (above designated size or
not). Nothing is typed in.

Definitions (shared with the other areas, see docs/congress-status.md):
- enterprises: those with a union in the reach (`selectors.status.unionised_enterprises`); each
  must hold a workers' congress (≥ `congress_min_headcount` staff) or an all-staff meeting every
  year, so all of them are "required"; "held" = a session with `held_on` in the year and status
  HELD or REPORTED;
- by town: the town or platform the union sits under (`selectors.status.town_path`, as the scope
  and the proposals area place a record), with a row "above town level" for unions under the
  district or a district industry union; industry and size are the enterprise's;
- proposals collected: proposals submitted in the year (`submitted_on` in it), whatever happened
  after; the enterprise of a proposal is its body's enterprise, and a proposal is in the reach
  when the user may see it (`Proposal.objects.visible_to`, its union in the subtree);
- accepted: reviewed and accepted as a proposal (status ACCEPTED, ASSIGNED, REPLIED or ARCHIVED);
- adopted (采纳): replied with outcome A or B (`models.ADOPTED_OUTCOMES`);
- closed on time: replied on or before `due_on` (which includes an extension); the on-time rate
  is on time ÷ replied;
- satisfaction: the proposer's current rating; the satisfaction rate is (satisfied + basically
  satisfied) ÷ rated;
- benefit: the sums of `benefit_estimated` and `benefit_verified` (yuan) of the year's adopted
  proposals (a figure left on a proposal reopened and answered C does not count).

Queries: three whatever the size — enterprises grouped by (town, industry, size) with their
congress counts, proposals grouped the same way with every count and sum (GROUP BY in SQL), and
the towns' names. The breakdowns are sums of those few dozen groups.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from gonghui.orgs.models import Industry, Org

from .models import ADOPTED_OUTCOMES, Proposal, ProposalStatus, Satisfaction
from .policies import VIEW
from .rules import rules
from .selectors.status import TOWN_LEVELS, held_ids, town_path, unionised_enterprises, year_bounds

ACCEPTED_STATUSES = (ProposalStatus.ACCEPTED, ProposalStatus.ASSIGNED, ProposalStatus.REPLIED,
                     ProposalStatus.ARCHIVED)
ENTERPRISE_COUNTS = ("enterprises", "congress_form", "held")
PROPOSAL_COUNTS = ("collected", "accepted", "adopted", "replied", "on_time", "satisfied", "basically",
                   "unsatisfied")
MONEY_SUMS = ("benefit_estimated", "benefit_verified")


def _rate(part, whole):
    """Percentage with one decimal, None when there is nothing to divide by."""
    if not whole:
        return None
    return round(part * 100 / whole, 1)


@dataclass
class Figures:
    enterprises: int = 0
    congress_form: int = 0
    held: int = 0
    collected: int = 0
    accepted: int = 0
    adopted: int = 0
    replied: int = 0
    on_time: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    benefit_estimated: Decimal = Decimal(0)
    benefit_verified: Decimal = Decimal(0)

    @property
    def held_rate(self):
        return _rate(self.held, self.enterprises)

    @property
    def on_time_rate(self):
        return _rate(self.on_time, self.replied)

    @property
    def rated(self):
        return self.satisfied + self.basically + self.unsatisfied

    @property
    def satisfaction_rate(self):
        return _rate(self.satisfied + self.basically, self.rated)

    @property
    def adoption_rate(self):
        return _rate(self.adopted, self.collected)

    def add(self, row: dict):
        for name in (*ENTERPRISE_COUNTS, *PROPOSAL_COUNTS, *MONEY_SUMS):
            if name in row:
                setattr(self, name, getattr(self, name) + (row[name] or 0))


@dataclass
class Row:
    key: object
    label: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class CongressStats:
    year: int
    total: Figures = field(default_factory=Figures)
    by_town: list[Row] = field(default_factory=list)
    by_industry: list[Row] = field(default_factory=list)
    by_size: list[Row] = field(default_factory=list)


def enterprise_groups(user, year, action=VIEW):
    minimum = rules().congress_min_headcount
    return list(unionised_enterprises(user, action).order_by()
                .values("industry", "above_scale", place=town_path("union__path"))
                .annotate(enterprises=Count("pk"), congress_form=Count("pk", filter=Q(headcount__gte=minimum)),
                          held=Count("pk", filter=Q(pk__in=held_ids(year)))))


def proposal_groups(user, year, action=VIEW):
    start, end = year_bounds(year)
    collected = (Proposal.objects.visible_to(user, action).exclude(status=ProposalStatus.DRAFT)
                 .filter(submitted_on__gte=start, submitted_on__lte=end))
    # A benefit belongs to an adopted proposal only: a proposal replied B with an estimate and
    # reopened keeps the figure in its row while it has no outcome (`services.proposals._reopen`
    # clears the reply, not the benefit); it must not add to the yuan.
    adopted = Q(outcome__in=ADOPTED_OUTCOMES)
    rows = (collected.order_by()
            .values(place=town_path("org__path"), industry=F("body__enterprise__industry"),
                    above_scale=F("body__enterprise__above_scale"))
            .annotate(collected=Count("pk"),
                      accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATUSES)),
                      adopted=Count("pk", filter=adopted),
                      replied=Count("pk", filter=Q(replied_on__isnull=False)),
                      on_time=Count("pk", filter=Q(replied_on__isnull=False, due_on__isnull=False,
                                                   replied_on__lte=F("due_on"))),
                      satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
                      basically=Count("pk", filter=Q(satisfaction=Satisfaction.BASICALLY)),
                      unsatisfied=Count("pk", filter=Q(satisfaction=Satisfaction.UNSATISFIED)),
                      benefit_estimated=Sum("benefit_estimated", filter=adopted),
                      benefit_verified=Sum("benefit_verified", filter=adopted)))
    return list(rows)


def congress_stats(user, *, year: int, action=VIEW) -> CongressStats:
    """The year's figures in the user's reach for `action` (VIEW for the page, EXPORT for the
    workbook)."""
    groups = enterprise_groups(user, year, action) + proposal_groups(user, year, action)
    stats = CongressStats(year=year)
    places = {row["place"] for row in groups}
    towns = {town.path: town for town in Org.objects.filter(level__in=TOWN_LEVELS, path__in=places)}
    by_town, by_industry = {}, {code: Row(code, str(label)) for code, label in Industry.choices}
    by_size = {True: Row(True, _("Above designated size")), False: Row(False, _("Below designated size"))}
    for row in groups:
        town = towns.get(row["place"])  # None: a union above town level (district, district industry union)
        if town not in by_town:
            by_town[town] = Row(town, (town.short_name or town.name) if town else _("Above town level"))
        targets = [stats.total, by_size[bool(row["above_scale"])].figures, by_town[town].figures]
        if row["industry"] in by_industry:
            targets.append(by_industry[row["industry"]].figures)
        for figures in targets:
            figures.add(row)
    # The towns by path, the row above town level last.
    stats.by_town = sorted(by_town.values(), key=lambda r: (r.key is None, r.key.path if r.key else ""))
    stats.by_industry = [row for row in by_industry.values() if row.figures.enterprises or row.figures.collected]
    stats.by_size = list(by_size.values())
    return stats


# --- the chart ----------------------------------------------------------------------------------------

def town_chart(stats: CongressStats, *, labels: dict) -> dict:
    """ECharts option (static/js/congress-stats.js reads it through json_script): per town, the
    enterprises that held / did not hold a congress stacked on the bottom axis, and the proposals
    collected and adopted on the top axis. `labels` are translated by the caller."""
    rows = stats.by_town
    bar = {"type": "bar", "barMaxWidth": 16, "emphasis": {"focus": "series"}}
    series = [
        {**bar, "name": labels["held"], "stack": "enterprises", "xAxisIndex": 0, "itemStyle": {"color": "#b8232f"},
         "data": [row.figures.held for row in rows]},
        {**bar, "name": labels["not_held"], "stack": "enterprises", "xAxisIndex": 0,
         "itemStyle": {"color": "#e8b4b8"}, "data": [row.figures.enterprises - row.figures.held for row in rows]},
        {**bar, "name": labels["collected"], "xAxisIndex": 1, "itemStyle": {"color": "#3a7ca5"},
         "data": [row.figures.collected for row in rows]},
        {**bar, "name": labels["adopted"], "xAxisIndex": 1, "itemStyle": {"color": "#7a5c99"},
         "data": [row.figures.adopted for row in rows]},
    ]
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "left": 0, "itemWidth": 14, "itemHeight": 10, "textStyle": {"fontSize": 12}},
        "grid": {"left": 8, "right": 24, "top": 64, "bottom": 32, "containLabel": True},
        "xAxis": [
            {"type": "value", "minInterval": 1, "name": labels["enterprises_axis"], "nameLocation": "middle",
             "nameGap": 24, "position": "bottom"},
            {"type": "value", "minInterval": 1, "position": "top", "splitLine": {"show": False},
             "axisLabel": {"color": "#3a7ca5"}},
        ],
        "yAxis": {"type": "category", "inverse": True, "data": [row.label for row in rows],
                  "axisLabel": {"width": 96, "overflow": "truncate"}},
        "series": series,
    }
