"""Selectors of the `annual` area: the annual statistics report of an org (DOMAIN.md §9).

`build_annual_report(org=, year=, industry="")` reads the roll-ups only (`selectors.rollups`: a
fixed number of queries whatever the size of the district) and lays out

- one table per section of `metrics.SECTIONS`: a row per active direct child of the org (the
  towns and platforms for the district, the unions of a town, the groups of a union), a row 本级
  for the records held at the org itself, a row 已撤销组织 for children closed since (only when
  they hold figures) and a row 合计 for the org's whole subtree; the columns are the section's
  shown metrics, then its ratios;
- a table by org level: every shown metric and ratio (rows, grouped by section) split by the
  level of the org holding the records (columns), with the total;
- when the figures were rolled up (the last finished run of the year) and when the report was
  made.

Additive metrics reconcile: children + 本级 (+ closed) = 合计 in every column, and the levels add up to the
total (tests). Ratios are computed from each row's own figures, never summed.

`report_json(report)` is the JSON form used by the API, the download and the command.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core.policies import get_visible_or_404
from gonghui.orgs.models import Org, OrgLevel

from .. import metrics
from ..policies.annual import VIEW
from ..rules.annual import rules
from . import rollups

CHILD, OWN, CLOSED, TOTAL = "child", "own", "closed", "total"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Column:
    """A column of a section table (a row of the level table): one metric or one ratio."""

    code: str
    label: str
    kind: str  # "metric" | "ratio"
    unit: str  # a metric's unit (count, people, yuan, score), or "percent" / "number" for a ratio
    decimals: int
    help: str
    drill: object = None  # Metric.drill, for metrics that have a list behind them

    @property
    def is_ratio(self):
        return self.kind == "ratio"

    @property
    def is_money(self):
        return self.unit == "yuan"


@dataclass(frozen=True)
class Cell:
    value: Decimal | None  # None: a ratio with a zero denominator
    text: str  # as shown: 1,234 / 1,234.50 / 12.3% / —
    url: str = ""  # the list of the records behind the figure, when the page asked for links


@dataclass
class SectionRow:
    kind: str  # CHILD, OWN, CLOSED or TOTAL
    label: str
    org: Org  # the child for CHILD rows, else the report's org
    cells: list[Cell]
    url: str = ""  # CHILD rows: the child's own report

    @property
    def values(self):
        return [cell.value for cell in self.cells]


@dataclass
class SectionTable:
    code: str
    title: str
    columns: list[Column]
    rows: list[SectionRow]
    chart_column: Column | None = None

    @property
    def children(self):
        return [row for row in self.rows if row.kind == CHILD]

    @property
    def own(self):
        return next(row for row in self.rows if row.kind == OWN)

    @property
    def total(self):
        return next(row for row in self.rows if row.kind == TOTAL)

    def chart_bars(self, limit=None):
        """(label, value) of the chart column for the children and 本级 (when it holds any), the
        largest first when there are more than `limit`; [] when every bar would be zero."""
        if self.chart_column is None:
            return []
        index = self.columns.index(self.chart_column)
        bars = [(row.label, row.cells[index].value or ZERO) for row in self.rows
                if row.kind == CHILD or (row.kind == OWN and row.cells[index].value)]
        if not any(value for _label, value in bars):
            return []
        limit = limit or rules().chart_max_bars
        if len(bars) > limit:
            keep = {id(bar) for bar in sorted(bars, key=lambda bar: bar[1], reverse=True)[:limit]}
            bars = [bar for bar in bars if id(bar) in keep]
        return bars


@dataclass
class LevelRow:
    column: Column
    cells: list[Cell]  # one per level of LevelTable.levels
    total: Cell


@dataclass
class LevelGroup:
    code: str  # section code
    title: str
    rows: list[LevelRow]


@dataclass
class LevelTable:
    levels: list[tuple[str, str]]  # (OrgLevel value, label), top level first
    groups: list[LevelGroup]


@dataclass
class AnnualReport:
    org: Org
    year: int
    industry: str
    industry_label: str
    as_of: datetime.date  # state figures are taken on this day: min(31 December, today)
    figures_as_of: datetime.datetime | None  # when the roll-ups were last refreshed (None: never)
    generated_at: datetime.datetime
    sections: list[SectionTable]
    levels: LevelTable
    columns: list[Column] = field(default_factory=list)  # every column of every section, in order
    totals: dict = field(default_factory=dict)  # code → value of the org's subtree (metrics and ratios)

    @property
    def has_figures(self):
        return self.figures_as_of is not None


# --- reading ------------------------------------------------------------------------------------


def as_of_date(year: int, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def build_annual_report(*, org, year, industry="", links=False) -> AnnualReport:
    """The report of `org`'s subtree for `year` (and one industry, "" = all). `links`: each figure
    carries the URL of the list behind it and each child row the URL of its own report (the page
    wants them; the files do not)."""
    columns_by_section = section_columns()
    total = rollups.figures(org, year, industry)
    children = rollups.children_figures(org, year, industry)
    by_level = rollups.level_figures(org, year, industry)
    own = rollups.own_figures(org, year) if not industry else by_level.get(org.level) or {}
    run = rollups.last_run(year)
    rows = [(CHILD, child.name, child, values) for child, values in children]
    rows.append((OWN, pgettext("annual report", "Own level"), org, own))
    closed = _closed_children(total, own, children)
    if closed:
        rows.append((CLOSED, pgettext("annual report", "Closed organisations"), org, closed))
    rows.append((TOTAL, pgettext("annual report", "Total"), org, total))
    sections = []
    for code, title in metrics.SECTIONS:
        columns = columns_by_section.get(code, [])
        if not columns:
            continue
        table_rows = [_section_row(kind, label, row_org, values, columns, year, industry, links)
                      for kind, label, row_org, values in rows]
        sections.append(SectionTable(code=code, title=str(title), columns=columns, rows=table_rows,
                                     chart_column=_chart_column(code, columns)))
    all_columns = [column for columns in columns_by_section.values() for column in columns]
    return AnnualReport(
        org=org, year=year, industry=industry, industry_label=industry_label(industry),
        as_of=as_of_date(year), figures_as_of=getattr(run, "finished_at", None), generated_at=timezone.now(),
        sections=sections, levels=_level_table(by_level, total, columns_by_section),
        columns=all_columns, totals=_values(total, all_columns),
    )


def _closed_children(total, own, children) -> dict:
    """What the subtree holds beyond its active children and 本级: the records of children closed
    during or after the year (the roll-ups list active children only). {} when nothing, so the row
    shows only when there is something in it and the rows always add up to 合计."""
    rest = {}
    for code, value in total.items():
        left = Decimal(value or 0) - Decimal(own.get(code) or 0) - sum(
            (Decimal(values.get(code) or 0) for _child, values in children), ZERO)
        if left:
            rest[code] = left
    return rest


def section_columns() -> dict[str, list[Column]]:
    """The columns of each section: its shown metrics in registration order, then its ratios."""
    by_section: dict[str, list[Column]] = {}
    for metric in metrics.all_metrics():
        if metric.shown:
            by_section.setdefault(metric.section, []).append(Column(
                code=metric.code, label=str(metric.label), kind="metric", unit=metric.unit,
                decimals=2 if metric.unit == "yuan" else 0, help=str(metric.help or ""), drill=metric.drill))
    for ratio in metrics.all_ratios():
        by_section.setdefault(ratio.section, []).append(Column(
            code=ratio.code, label=str(ratio.label), kind="ratio", unit="percent" if ratio.percent else "number",
            decimals=ratio.decimals, help=str(ratio.help or "")))
    return by_section


def _values(figures: dict, columns) -> dict:
    """code → value for the columns: metrics from the figures (missing = 0), ratios computed."""
    ratios = rollups.ratio_values(figures)
    return {c.code: ratios.get(c.code) if c.is_ratio else Decimal(figures.get(c.code) or 0) for c in columns}


def _section_row(kind, label, row_org, figures, columns, year, industry, links):
    values = _values(figures, columns)
    cells = []
    for column in columns:
        value = values[column.code]
        url = ""
        if links and kind in (CHILD, TOTAL) and column.drill and value:
            url = column.drill(row_org, year) or ""
        cells.append(Cell(value=value, text=format_value(column, value), url=url))
    url = report_url(row_org, year, industry) if links and kind == CHILD else ""
    return SectionRow(kind=kind, label=label, org=row_org, cells=cells, url=url)


def _chart_column(section, columns):
    wanted = rules().chart_metrics.get(section)
    metric_columns = [c for c in columns if not c.is_ratio]
    return next((c for c in metric_columns if c.code == wanted), metric_columns[0] if metric_columns else None)


def _level_table(by_level, total, columns_by_section) -> LevelTable:
    """`by_level`: OrgLevel → figures, every level that can occur under the org."""
    order = {value: i for i, value in enumerate(OrgLevel.values)}
    present = sorted((str(level) for level in by_level), key=order.get)
    levels = [(level, str(OrgLevel(level).label)) for level in present]
    all_columns = [c for cs in columns_by_section.values() for c in cs]
    level_values = {level: _values(by_level[level], all_columns) for level in present}
    groups = []
    for code, title in metrics.SECTIONS:
        columns = columns_by_section.get(code, [])
        if not columns:
            continue
        total_values = _values(total, columns)
        rows = [LevelRow(column=c, cells=[Cell(value=level_values[level][c.code],
                                               text=format_value(c, level_values[level][c.code]))
                                          for level in present],
                         total=Cell(value=total_values[c.code], text=format_value(c, total_values[c.code])))
                for c in columns]
        groups.append(LevelGroup(code=code, title=str(title), rows=rows))
    return LevelTable(levels=levels, groups=groups)


def format_value(column: Column, value) -> str:
    """1,234 (counts, people) · 1,234.50 (yuan) · 12.3% (percent ratios) · 4.25 · — (no value)."""
    if value is None:
        return "—"
    if column.unit == "percent":
        return f"{value:.{column.decimals}f}%"
    if column.is_ratio:
        return f"{value:.{column.decimals}f}"
    return f"{value:,.{column.decimals}f}"


def plain_value(column: Column, value) -> str | None:
    """The value as a plain decimal string (no grouping, no unit): the JSON form."""
    if value is None:
        return None
    return f"{Decimal(value):.{column.decimals}f}"


def industry_label(industry: str) -> str:
    if not industry:
        return ""
    return str(dict(rollups.industries()).get(industry, industry))


# --- whose report -------------------------------------------------------------------------------


def resolve_org(user, org_id) -> Org:
    """The org `org_id` if the user may see its report; 404 otherwise (missing or out of reach)."""
    return get_visible_or_404(Org.objects.get_queryset(), user, org_id, VIEW)


def default_org(user) -> Org | None:
    """The top org of the user's reach (the district for district staff, a town for its cadre)."""
    if user.is_superuser:
        return Org.objects.filter(depth=1).order_by("path").first()
    paths = user.scope_paths(VIEW)
    return Org.objects.filter(path__in=paths).order_by("path").first() if paths else None


def breadcrumbs(user, org) -> list[Org]:
    """The org's ancestors inside the user's reach, top first (the report of each is a link)."""
    prefixes = [org.path[:i] for i in range(Org.steplen, len(org.path), Org.steplen)]
    if not prefixes:
        return []
    return [a for a in Org.objects.filter(path__in=prefixes).order_by("path") if user.can(VIEW, a)]


def report_url(org, year, industry="") -> str:
    query = {"org": org.pk, "year": year, **({"industry": industry} if industry else {})}
    return f"{reverse('reports:annual')}?{urlencode(query)}"


def available_years() -> list[int]:
    return list(rollups.available_years())


def industry_choices():
    return list(rollups.industries())


def definitions(report: AnnualReport) -> list[tuple[str, Column]]:
    """(section title, column) of every column, in report order, for the notes."""
    return [(section.title, column) for section in report.sections for column in section.columns]


# --- JSON ---------------------------------------------------------------------------------------


def report_json(report: AnnualReport) -> dict:
    """The report as JSON: the same numbers as the tables, keyed by metric and ratio codes, every
    value a decimal string ("12", "1234.50", "12.3") or null (a ratio with nothing to divide by)."""

    def values(section_or_columns, cells):
        return {c.code: plain_value(c, cell.value) for c, cell in zip(section_or_columns, cells, strict=True)}

    return {
        "org": {"id": report.org.pk, "name": report.org.name, "level": report.org.level},
        "year": report.year,
        "industry": report.industry,
        "as_of": report.as_of.isoformat(),
        "figures_as_of": report.figures_as_of.isoformat() if report.figures_as_of else None,
        "generated_at": report.generated_at.isoformat(),
        "columns": {c.code: {"label": c.label, "kind": c.kind, "unit": c.unit, "decimals": c.decimals,
                             "help": c.help} for c in report.columns},
        "total": {c.code: plain_value(c, report.totals.get(c.code)) for c in report.columns},
        "sections": [{
            "code": s.code, "title": s.title, "columns": [c.code for c in s.columns],
            "rows": [{"kind": row.kind, "org_id": row.org.pk if row.kind == CHILD else None, "label": row.label,
                      "values": values(s.columns, row.cells)} for row in s.rows],
        } for s in report.sections],
        "levels": [{
            "level": level, "label": label,
            "values": {row.column.code: plain_value(row.column, row.cells[i].value)
                       for group in report.levels.groups for row in group.rows},
        } for i, (level, label) in enumerate(report.levels.levels)],
    }


def no_figures_message() -> str:
    return _("The figures of this year have not been rolled up yet; a scheduled job counts them "
             "regularly.")
