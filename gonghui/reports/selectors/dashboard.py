"""Reads of the `dashboard` area: one org's statistics of a year, made from the roll-ups only.

Every figure comes from the roll-ups area's selectors (`selectors.rollups`: the year's figures of
the org's subtree, of each active direct child and of the org itself), a fixed handful of indexed
queries whatever the size of the subtree; the live tables are never counted on a request. The one
exception is the "due / overdue" card, which reads `core.dashboard.due_for(user)` (each module's
own indexed, scoped count of its deadlines in the user's reach).

A *column* is a shown metric or a ratio of the registry (`gonghui.reports.metrics`); codes that no
module has registered (yet) are left out everywhere, so the page never breaks on a missing one.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core.dashboard import dashboard_due
from gonghui.orgs.models import Org

from .. import metrics as registry
from ..policies.dashboard import VIEW
from ..rules.dashboard import rules
from . import rollups

# The headline tiles: (figure, the figure in its note). The list: members and rate,
# migrant share, agreements and coverage, congresses and proposals, competitions and contests,
# trainees, honours, allowance paid, welfare spending, appeals, on-time rate and satisfaction.
TILES = (
    ("members.live", "members.rate"),
    ("members.migrant_share", "members.migrants"),
    ("bargaining.agreements", "bargaining.coverage"),
    ("congress.sessions", "congress.proposals"),
    ("congress.proposals_adopted", "congress.proposal_benefit"),
    ("competitions.competitions", "competitions.participants"),
    ("competitions.contests", "competitions.contest_participants"),
    ("training.trainees", "training.courses"),
    ("honours.awards", "honours.model_workers"),
    ("honours.allowance_paid", "honours.allowance_people"),
    ("welfare.spend_total", "welfare.beneficiaries"),
    ("voice.appeals_received", "voice.appeals_closed"),
    ("voice.on_time_rate", "voice.appeals_on_time"),
    ("voice.satisfaction", "voice.satisfaction_count"),
)
WELFARE_GROUP = "welfare.campaign"
APPEAL_SERIES = ("voice.appeals_received", "voice.appeals_closed", "voice.appeals_on_time")
DASH = "—"
UNION_RED = "#b8232f"
SERIES_COLOURS = ("#b8232f", "#2f6db8", "#3a8f4b")


# --- columns: a metric or a ratio, and how its value reads ---------------------------------------

@dataclass(frozen=True)
class Column:
    code: str
    label: object
    is_ratio: bool
    unit: str  # a metric's unit ("count", "people", "yuan", "score"), or "percent" / "number" for a ratio
    decimals: int = 0
    help: object = ""
    section: str = ""
    metric: object = None  # the registry's Metric (None for a ratio)

    def value(self, figures: dict, ratios: dict):
        if self.is_ratio:
            return ratios.get(self.code)
        return Decimal(figures.get(self.code) or 0)

    def text(self, value) -> str:
        """The value as the page shows it: 1,234 · 1,234.50 (yuan) · 85.3 % · 4.25; — for none."""
        if value is None:
            return DASH
        if self.unit == "percent":
            return f"{value:.{self.decimals}f} %"
        if self.unit == "number":
            return f"{value:.{self.decimals}f}"
        if self.unit == "yuan":
            return f"{value:,.2f}"
        return f"{int(value):,}"

    def short_text(self, value) -> str:
        """As `text`, but yuan in whole yuan (a headline tile, a bar's label)."""
        if self.unit == "yuan" and value is not None:
            return f"{Decimal(value).quantize(Decimal(1), ROUND_HALF_UP):,}"
        return self.text(value)

    def chart_value(self, value):
        return None if value is None else float(value)

    def chart_item(self, value) -> dict:
        """A bar: its value and its label as the page writes it (1,234 · 65.9 % · 12,345)."""
        return {"value": self.chart_value(value), "label": {"formatter": self.short_text(value)}}

    def drill(self, org, year) -> str:
        """The list of records behind the figure ("" for a ratio or a metric without a list)."""
        drill = getattr(self.metric, "drill", None)
        if drill is None:
            return ""
        try:
            return drill(org, year) or ""
        except Exception:  # noqa: BLE001 — a list that cannot be reached must not break the dashboard
            return ""


def columns() -> dict[str, Column]:
    """Every shown metric and every ratio of the registry, by code, in report order."""
    found = {}
    for m in registry.all_metrics():
        if m.shown:
            found[m.code] = Column(code=m.code, label=m.label, is_ratio=False, unit=m.unit, help=m.help,
                                   section=m.section, metric=m)
    for r in registry.all_ratios():
        found[r.code] = Column(code=r.code, label=r.label, is_ratio=True, unit="percent" if r.percent else "number",
                               decimals=r.decimals, help=r.help, section=r.section)
    return found


def hidden_metric_column(code: str) -> Column | None:
    """A metric kept off the dashboards (e.g. the rating count behind average satisfaction), for a
    tile's note."""
    try:
        m = registry.metric(code)
    except KeyError:
        return None
    return Column(code=m.code, label=m.label, is_ratio=False, unit=m.unit, help=m.help, section=m.section, metric=m)


def chart_choices() -> list:
    """The metrics and ratios the bar chart can show, grouped by report section."""
    by_section: dict[str, list] = {}
    for col in columns().values():
        by_section.setdefault(col.section, []).append((col.code, col.label))
    labels = dict(registry.SECTIONS)
    return [(labels[code], by_section[code]) for code in registry.SECTION_CODES if code in by_section]


def table_columns(available: dict[str, Column]) -> list[Column]:
    return [available[code] for code in rules().table_columns if code in available]


# --- which org, which years ----------------------------------------------------------------------

def top_orgs(user) -> list[Org]:
    """The top nodes of the user's reach for `reports.view` (the district for district staff and
    superusers, a town for its cadres, a union for its chair and staff)."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    if user.is_superuser:
        return list(Org.objects.filter(depth=1).order_by("path"))
    return list(Org.objects.filter(path__in=user.scope_paths(VIEW)).order_by("path"))


def dashboard_org(user, org_id=None, *, roots=None, action=VIEW) -> Org:
    """The org asked for when it is in the user's reach for `action`, else 404 like a missing one;
    with no `org_id`, the user's top org."""
    roots = top_orgs(user) if roots is None else roots
    if org_id in (None, ""):
        if not roots:
            raise Http404(_("Not found."))
        return roots[0]
    try:
        return Org.objects.visible_to(user, action).get(pk=int(org_id))
    except (Org.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404(_("Not found.")) from exc


def year_choices() -> list[int]:
    """Years with figures (a roll-up ran for them) and this year, newest first."""
    this_year = timezone.localdate().year
    years = {y for y in rollups.available_years() if rules().first_year <= y <= this_year}
    years.add(this_year)
    return sorted(years, reverse=True)


def industry_choices() -> list[tuple[str, object]]:
    """The industries the roll-ups split by (no "all" entry: the forms add it)."""
    return [(code, label) for code, label in rollups.industries() if code]


@dataclass
class Crumb:
    org: Org
    url: str


def breadcrumbs(org: Org, roots: list[Org], query: dict) -> list[Crumb]:
    """From the user's top org that holds `org` down to `org` itself (the last crumb has no link)."""
    top = next((r for r in roots if org.path.startswith(r.path)), org)
    prefixes = [org.path[:i] for i in range(len(top.path), len(org.path), Org.steplen)]
    ancestors = list(Org.objects.filter(path__in=prefixes).order_by("path")) if prefixes else []
    crumbs = [Crumb(org=a, url=dashboard_url(a.pk, **query)) for a in ancestors]
    return [*crumbs, Crumb(org=org, url="")]


def dashboard_query(org_id, *, year=None, industry="", metric="", **extra) -> str:
    """The query string of a dashboard (empty values left out)."""
    params = {"org": org_id, "year": year, "industry": industry, "metric": metric, **extra}
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def dashboard_url(org_id, **params) -> str:
    query = dashboard_query(org_id, **params)
    return reverse("reports:dashboard") + (f"?{query}" if query else "")


# --- the dashboard -------------------------------------------------------------------------------

@dataclass
class Tile:
    code: str
    label: object
    value: str
    note: str = ""
    url: str = ""
    help: object = ""
    unit: object = ""  # "元" after an amount


@dataclass
class Row:
    """One line of the table: a child org (linking to its dashboard), 本级 or the total."""

    label: object
    figures: dict
    ratios: dict
    org: Org | None = None
    url: str = ""
    kind: str = "child"  # "child" | "own" | "total"
    cells: list = field(default_factory=list)

    def fill(self, cols: list[Column]):
        self.cells = [col.text(col.value(self.figures, self.ratios)) for col in cols]
        return self


@dataclass
class WelfareLine:
    column: Column
    value: Decimal
    text: str
    url: str


@dataclass
class DueTotals:
    items: list
    overdue: int
    soon: int
    counted_at: datetime.datetime | None = None

    # Written as the figures of the page are (1,234), whatever the language's own grouping.
    @property
    def overdue_text(self) -> str:
        return f"{self.overdue:,}"

    @property
    def soon_text(self) -> str:
        return f"{self.soon:,}"


@dataclass
class Dashboard:
    org: Org
    year: int
    industry: str
    as_of: datetime.datetime | None
    run: object
    figures: dict
    ratios: dict
    tiles: list[Tile]
    columns: list[Column]
    rows: list[Row]
    own: Row | None
    total: Row
    chart_column: Column | None
    welfare: list[WelfareLine]
    due: DueTotals
    definitions: list[tuple[object, object]]
    query: dict = field(default_factory=dict)

    @property
    def has_figures(self) -> bool:
        return self.run is not None


def _ratios(figures: dict) -> dict:
    return rollups.ratio_values(figures)


def _tiles(org, year, figures, ratios, available) -> list[Tile]:
    tiles = []
    for code, note_code in TILES:
        col = available.get(code)
        if col is None:
            continue
        note_col = available.get(note_code) or hidden_metric_column(note_code)
        note = ""
        if note_col is not None:
            note = _("%(label)s: %(value)s") % {"label": note_col.label,
                                                 "value": note_col.text(note_col.value(figures, ratios))}
        tiles.append(Tile(code=code, label=col.label, value=col.short_text(col.value(figures, ratios)), note=note,
                          url=col.drill(org, year), help=col.help,
                          unit=pgettext("amount", "yuan") if col.unit == "yuan" else ""))
    return tiles


def _welfare(org, year, figures, available) -> list[WelfareLine]:
    lines = []
    for col in available.values():
        if col.metric is not None and col.metric.group == WELFARE_GROUP:
            value = col.value(figures, {})
            lines.append(WelfareLine(column=col, value=value, text=col.text(value), url=col.drill(org, year)))
    return lines


def _due(user) -> DueTotals:
    """The deadlines in the user's reach (each module's own count: ~30 indexed queries), kept for
    rules().due_cache_seconds in the entry the home page keeps too (`core.dashboard.dashboard_due`),
    so a leader clicking down from the district through towns and unions pays for them once."""
    due = dashboard_due(user, seconds=rules().due_cache_seconds)
    return DueTotals(items=due.items, overdue=sum(i.overdue for i in due.items), soon=sum(i.soon for i in due.items),
                     counted_at=due.counted_at or timezone.now())


def _definitions(tiles, cols, available) -> list[tuple[object, object]]:
    seen, notes = set(), []
    for code in [t.code for t in tiles] + [c.code for c in cols]:
        col = available.get(code)
        if col is not None and col.help and code not in seen:
            seen.add(code)
            notes.append((col.label, col.help))
    return notes


def build_dashboard(user, org: Org, *, year: int, industry: str = "", chart_metric: str = "",
                    with_due: bool = True) -> Dashboard:
    """Everything the page and the API show for `org` (already checked to be in the user's reach):
    a fixed number of queries whatever the number of orgs below. `chart_metric` "" (or an unknown
    code) charts rules().default_chart_metric; `with_due=False` skips the deadlines card (API)."""
    available = columns()
    cols = table_columns(available)
    query = {"year": year, "industry": industry, "metric": chart_metric if chart_metric in available else ""}
    run = rollups.last_run(year)
    figures = rollups.figures(org, year, industry)
    ratios = _ratios(figures)
    rows = [Row(label=child.name, org=child, figures=f, ratios=_ratios(f), url=dashboard_url(child.pk, **query))
            .fill(cols) for child, f in rollups.children_figures(org, year, industry)]
    own = None
    if not industry:  # records held at the org itself carry no industry
        own_figures = rollups.own_figures(org, year)
        own = Row(label=_("Held at this level"), figures=own_figures, ratios=_ratios(own_figures),
                  kind="own").fill(cols)
    total = Row(label=_("Total"), figures=figures, ratios=ratios, org=org, kind="total").fill(cols)
    tiles = _tiles(org, year, figures, ratios, available)
    chart_column = available.get(chart_metric) or available.get(rules().default_chart_metric)
    return Dashboard(org=org, year=year, industry=industry, run=run, as_of=getattr(run, "finished_at", None),
                     figures=figures, ratios=ratios, tiles=tiles, columns=cols, rows=rows, own=own, total=total,
                     chart_column=chart_column, welfare=_welfare(org, year, figures, available),
                     due=_due(user) if with_due else DueTotals(items=[], overdue=0, soon=0),
                     definitions=_definitions(tiles, cols, available), query=query)


# --- the table: search, sort, rows for the page ------------------------------------------------

def search_rows(rows: list[Row], q: str) -> list[Row]:
    q = (q or "").strip().casefold()
    if not q:
        return rows
    return [r for r in rows if q in str(r.label).casefold() or q in (r.org.short_name or "").casefold()]


def sort_rows(rows: list[Row], sort: str, available: dict[str, Column]) -> list[Row]:
    """Rows by a column (`code`, or `-code` for largest first; orgs without a value last); tree
    order when `sort` is empty or names no column."""
    descending = sort.startswith("-")
    col = available.get(sort.lstrip("-"))
    if col is None:
        return rows
    with_value = [r for r in rows if col.value(r.figures, r.ratios) is not None]
    without = [r for r in rows if col.value(r.figures, r.ratios) is None]
    with_value.sort(key=lambda r: col.value(r.figures, r.ratios), reverse=descending)
    return with_value + without


# --- charts (ECharts options fed to static/js/charts.js through json_script) --------------------

def _bar_grid(names, series, links, *, legend=False):
    """Horizontal bars, one row per name; `links[i]` is opened by a click on row i (charts.js)."""
    option = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        # Room on the right for the bars' own labels; the axis drops labels that would overlap (phones).
        "grid": {"left": 8, "right": 72, "top": 32 if legend else 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1, "axisLabel": {"hideOverlap": True}},
        "yAxis": {"type": "category", "inverse": True, "data": names,
                  "axisLabel": {"width": 150, "overflow": "truncate"}},  # the tooltip has the whole name
        "series": series,
        "links": links,
    }
    if legend:
        option["legend"] = {"top": 0, "type": "scroll"}
    return option


def chart_size(n: int) -> str:
    """The chart's CSS height class for n rows of bars."""
    if n <= 3:
        return "chart chart-sm"
    return "chart" if n <= 8 else "chart chart-md" if n <= 16 else "chart chart-lg"


def children_chart(rows: list[Row], col: Column) -> dict | None:
    """Bars of one metric by the orgs below, largest first (at most rules().chart_children); a click
    on a bar opens that org's dashboard."""
    values = [(r, col.value(r.figures, r.ratios)) for r in rows]
    values = [(r, v) for r, v in values if v]
    if not values:
        return None
    values.sort(key=lambda rv: rv[1], reverse=True)
    values = values[:rules().chart_children]
    return _bar_grid(
        [r.org.short_name or r.org.name for r, _v in values],
        [{"type": "bar", "name": str(col.label), "data": [col.chart_item(v) for _r, v in values],
          "itemStyle": {"color": UNION_RED}, "barMaxWidth": 28, "label": {"show": True, "position": "right"},
          "cursor": "pointer"}],
        [r.url for r, _v in values])


def welfare_chart(lines: list[WelfareLine]) -> dict | None:
    """Spending per campaign kind; a click opens the campaigns' payments behind the bar."""
    shown = [line for line in lines if line.value]
    if not shown:
        return None
    return _bar_grid(
        [str(line.column.label) for line in shown],
        [{"type": "bar", "name": pgettext("amount", "yuan"),
          "data": [line.column.chart_item(line.value) for line in shown],
          "itemStyle": {"color": UNION_RED}, "barMaxWidth": 28, "label": {"show": True, "position": "right"},
          "cursor": "pointer"}],
        [line.url for line in shown])


def appeal_columns(available: dict[str, Column]) -> list[Column]:
    return [available[code] for code in APPEAL_SERIES if code in available] + \
        [available[code] for code in ("voice.on_time_rate", "voice.satisfaction") if code in available]


def appeals_chart(rows: list[Row], available: dict[str, Column]) -> dict | None:
    """Appeals received, closed and closed on time by the orgs below (the busiest first, at most
    rules().chart_children); a click opens that org's dashboard."""
    series_cols = [available[code] for code in APPEAL_SERIES if code in available]
    if not series_cols:
        return None
    first = series_cols[0]
    busy = [r for r in rows if first.value(r.figures, r.ratios)]
    if not busy:
        return None
    busy.sort(key=lambda r: first.value(r.figures, r.ratios), reverse=True)
    busy = busy[:rules().chart_children]
    series = [{"type": "bar", "name": str(col.label), "barMaxWidth": 14, "itemStyle": {"color": colour},
               "data": [col.chart_value(col.value(r.figures, r.ratios)) for r in busy], "cursor": "pointer",
               "label": {"show": True, "position": "right", "fontSize": 10}}
              for col, colour in zip(series_cols, SERIES_COLOURS, strict=False)]
    return _bar_grid([r.org.short_name or r.org.name for r in busy], series, [r.url for r in busy], legend=True)
