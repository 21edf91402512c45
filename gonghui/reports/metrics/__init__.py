"""The figures every dashboard and the annual report are made of, and where they come from.

A *metric* is one additive figure of a year (a count, a number of people, an amount in yuan)
attributed to the org a record belongs to (its *holding org*). The roll-up job
(`gonghui.reports.services.rollups`) asks every *provider* for the values of a year, then sums
them up the tree, so the figure of any org is the sum over its subtree. Ratios (membership rate,
on-time rate, average satisfaction) are never stored: a `Ratio` names its numerator and
denominator metrics and is computed when shown, so it is right at every level.

Reports is the one app that reads the other apps' tables directly: only here, only read-only
aggregate queries (one or a few grouped queries per metric family, never a query per org), so
that the annual figures are defined in one place (docs/decisions.md).

Each module of this package covers one domain app and registers its metrics and its provider:

    METRICS = [Metric(code="members.live", label=_("Members"), section="members", ...), ...]

    def provide(year: int, as_of: datetime.date) -> Iterable[tuple[int, str, Decimal | int]]:
        '''(holding org id, metric code, value) for the year; state figures (members, unions,
        model workers on the register…) are taken at `as_of` = min(31 December, today).'''

    register(METRICS, provide, ratios=[...])
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

# The sections of the annual statistics report (DOMAIN.md §9), in report order; a metric's
# `section` is one of these codes. Labels are Chinese data labels of the report (as the
# spreadsheets it replaces name them), translated like any UI string.
SECTIONS: list[tuple[str, str]] = [
    ("organisation", "工会组织"),
    ("members", "会员"),
    ("bargaining", "工资集体协商"),
    ("congress", "职代会和提案"),
    ("innovation", "合理化建议和技术创新"),
    ("grassroots", "基层建设"),
    ("competitions", "劳动竞赛和技能比武"),
    ("training", "职工培训"),
    ("honours", "荣誉和技能带头人津贴"),
    ("services", "服务职工"),
    ("welfare", "帮扶和慰问"),
    ("voice", "职工诉求"),
]
SECTION_CODES = [code for code, _label in SECTIONS]


@dataclass(frozen=True)
class Metric:
    code: str  # "<app>.<figure>" e.g. "members.live"; stable: the JSON report and tests use it
    label: object  # lazy translation, the column heading
    section: str  # one of SECTION_CODES
    unit: str = "count"  # "count" | "people" | "yuan" | "score" (a sum used by a Ratio)
    # URL of the list of records behind the figure for an org's subtree and a year ("" when
    # there is no such list); called only when a page shows a link.
    drill: Callable[[object, int], str] | None = None
    # Shown in the report and on dashboards (False for helper sums only ratios use).
    shown: bool = True
    # Family of metrics with one member per kind (e.g. welfare spending per campaign kind).
    group: str = ""
    help: object = ""  # one line: what is counted, for the report's notes and tooltips


@dataclass(frozen=True)
class Ratio:
    code: str
    label: object
    section: str
    numerator: str  # metric code
    denominator: str  # metric code
    percent: bool = True  # shown as 12.3 %; else as a plain number with `decimals`
    decimals: int = 1
    help: object = ""

    def value(self, figures: dict) -> Decimal | None:
        den = Decimal(figures.get(self.denominator) or 0)
        if not den:
            return None
        num = Decimal(figures.get(self.numerator) or 0)
        scale = Decimal(100) if self.percent else Decimal(1)
        return (num * scale / den).quantize(Decimal(1).scaleb(-self.decimals))


Provider = Callable[[int, datetime.date], Iterable[tuple[int, str, object]]]


@dataclass
class _Registry:
    metrics: dict[str, Metric] = field(default_factory=dict)
    ratios: dict[str, Ratio] = field(default_factory=dict)
    providers: list[Provider] = field(default_factory=list)


_REGISTRY = _Registry()


def register(metrics: Iterable[Metric], provider: Provider, ratios: Iterable[Ratio] = ()) -> None:
    for metric in metrics:
        assert metric.section in SECTION_CODES, metric
        _REGISTRY.metrics[metric.code] = metric
    for ratio in ratios:
        _REGISTRY.ratios[ratio.code] = ratio
    if provider not in _REGISTRY.providers:
        _REGISTRY.providers.append(provider)


def all_metrics() -> list[Metric]:
    """Every metric, in section order then registration order."""
    order = {code: i for i, code in enumerate(SECTION_CODES)}
    return sorted(_REGISTRY.metrics.values(), key=lambda m: order[m.section])


def metric(code: str) -> Metric:
    return _REGISTRY.metrics[code]


def all_ratios() -> list[Ratio]:
    return list(_REGISTRY.ratios.values())


def providers() -> list[Provider]:
    return list(_REGISTRY.providers)


# --- helpers the domain modules share ---------------------------------------------------------

CENT = Decimal("0.01")


def cents(value):
    """Sums of money to the cent (SQLite adds decimals as floats: 204443.2999999 is 204443.30);
    anything else (a count) unchanged."""
    return value.quantize(CENT) if isinstance(value, Decimal) else value


def year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def drill_list(url_name: str, *, org: bool = True, year: bool = True, **fixed) -> Callable[[object, int], str]:
    """drill(org, year): the list `url_name` filtered to the org's subtree and the year, where the
    list has those filters (`org=False` / `year=False` where it has not), plus fixed filters."""
    def url(o, y):
        from urllib.parse import urlencode

        from django.urls import reverse

        params = {**({"org": o.pk} if org else {}), **({"year": y} if year else {}), **fixed}
        return f"{reverse(url_name)}?{urlencode(params)}"
    return url


def grouped_rows(qs, holder: str, code: str, value):
    """(holding org id, code, value) of one grouped query over `qs`: `holder` is the org field,
    `value` an aggregate; empty groups and records without an org are left out."""
    for org_id, n in qs.order_by().values(holder).annotate(v=value).values_list(holder, "v"):
        if org_id is not None and n:
            yield org_id, code, cents(n)


def load_all() -> None:
    """Import every domain module of this package (each registers itself once)."""
    from . import (  # noqa: F401
        bargaining,
        competitions,
        congress,
        grassroots,
        honours,
        innovation,
        members,
        services,
        training,
        voice,
        welfare,
    )
