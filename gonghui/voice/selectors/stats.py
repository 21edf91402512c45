"""Appeal statistics (issue 10, item 5), counted from the appeal records in the user's reach.

Definitions (also under the tables of the page, on the workbook's definitions sheet and in
docs/voice-stats.md):
- the records counted are the **appeals received in the period** (the year, or one month of it:
  `received_at` in local time), in the user's reach for the action (`Appeal.org`'s subtree:
  the org handling it now), optionally of one category. Every figure of a row is about those
  appeals — "closed" means "received in the period and closed by now" (a cohort), so the rates
  of one period never mix appeals of different periods;
- **received**: all of them, withdrawn included; **withdrawn**: withdrawn by the worker;
- **closed**: status CLOSED now; **closed on time**: closed with the closing day on or before the
  due date (`closed_on_time`, set when closing); **on-time rate** = closed on time ÷ closed;
- **average days to close**: working days (core.workdays: weekends, holidays and 调休) from the day
  received to the day closed, averaged over the closed ones; an appeal closed on the day it came
  counts 0;
- **satisfaction**: the average of the workers' ratings (1–5) of the rated ones; **satisfied** =
  rated at or above `rules().satisfied_from` (4) ÷ rated; **rated**: how many were rated;
- **re-opened**: re-opened by the worker (at most once each);
- **overdue now**: still open (received or being handled) with the due date before today;
- **category**: the appeal's; **town**: `Appeal.town` (the town of the handling org; "above town
  level" when the district handles it); **org**: the org handling it now (`Appeal.org`);
- **monthly** (chart): the same figures for each month of the year;
- **top issues this month** (the chosen month; without one, this month for the current year, else
  the last month of a past year): the categories ranked by appeals received that month, with the
  month before for comparison, and the enterprises with the most appeals that month (a registered
  enterprise, or the name the worker typed when unregistered); the category filter does not apply
  there (it ranks the categories);
- **survey participation**: from the surveys area (`selectors.surveys.participation_by_town`).

Queries (docs/voice-stats.md "Queries and measured time"): ONE pass over the year's appeals in reach,
GROUP BY (category, town, org, month received) with conditional aggregation, gives every count of
the tables (the chosen month's groups) and of the monthly chart (all months) — counts add up, so the
category, town, org, month and total rows are sums over those groups in Python (never a loop over
appeals). On PostgreSQL the same pass sums the working days to close (each day's working-day ordinal
read from an array parameter); elsewhere two GROUP BY over the closed ones by day received and by
day closed do it. One query for the org names, one for the enterprises of the top issues (plus one
for its categories only when the month before is of another year or a category is chosen), and the
surveys' own. The result is cached per (reach, period, category, language) for
`FIGURES_CACHE_SECONDS` and the page says when it was counted.
"""

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractMonth, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gonghui.core import workdays
from gonghui.core.scoping import user_scope
from gonghui.orgs.models import Org

from ..models.appeals import OPEN_STATUSES, Appeal, AppealCategory, AppealStatus
from ..policies.stats import VIEW
from ..rules.stats import rules

# Due-soon sources this area registers with the dashboard (none: appeals' own are the appeals area's).
DUE_SOURCES = ()

COUNTS = ("received", "closed", "on_time", "withdrawn", "open", "overdue", "rated", "satisfaction_sum",
          "satisfied", "reopened", "days_sum", "days_n")


def _ratio(part, whole, places="0.1", scale=100):
    """part ÷ whole (× scale), rounded half up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * scale / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    received: int = 0
    closed: int = 0
    on_time: int = 0
    withdrawn: int = 0
    open: int = 0
    overdue: int = 0
    rated: int = 0
    satisfaction_sum: int = 0
    satisfied: int = 0
    reopened: int = 0
    # Working days to close, summed over `days_n` closed appeals (the average's parts).
    days_sum: int = 0
    days_n: int = 0

    def add(self, other: "Figures"):
        # Called once per group row and dimension (~70,000 times for the district's year): the
        # instance dicts directly, not getattr/setattr.
        mine, theirs = self.__dict__, other.__dict__
        for name in COUNTS:
            mine[name] += theirs[name]

    @property
    def on_time_rate(self):
        return _ratio(self.on_time, self.closed)

    @property
    def average_days(self):
        return _ratio(self.days_sum, self.days_n, scale=1)

    @property
    def average_satisfaction(self):
        return _ratio(self.satisfaction_sum, self.rated, places="0.01", scale=1)

    @property
    def satisfied_rate(self):
        return _ratio(self.satisfied, self.rated)

    def as_dict(self):
        return {"received": self.received, "closed": self.closed, "closed_on_time": self.on_time,
                "on_time_rate": self.on_time_rate, "average_days_to_close": self.average_days,
                "withdrawn": self.withdrawn, "open": self.open, "overdue_now": self.overdue, "rated": self.rated,
                "average_satisfaction": self.average_satisfaction, "satisfied": self.satisfied,
                "satisfied_rate": self.satisfied_rate, "reopened": self.reopened}


@dataclass
class Row:
    key: object
    label: str
    figures: Figures = field(default_factory=Figures)
    # Figure name → URL of the appeal list filtered to the appeals behind it ({} without the list).
    links: dict = field(default_factory=dict)
    sort: str = ""


@dataclass
class CategoryTrend:
    key: str
    label: str
    count: int
    previous: int
    link: str = ""

    @property
    def change(self):
        return self.count - self.previous

    @property
    def change_rate(self):
        return _ratio(self.count - self.previous, self.previous)


@dataclass
class EnterpriseCount:
    enterprise_id: int | None
    name: str
    count: int


@dataclass
class AppealStats:
    year: int
    month: int | None = None
    category: str = ""
    total: Row = None
    by_category: list[Row] = field(default_factory=list)
    by_town: list[Row] = field(default_factory=list)
    by_org: list[Row] = field(default_factory=list)
    monthly: list[Row] = field(default_factory=list)
    top_month: tuple = None  # (year, month) of the top issues
    top_categories: list[CategoryTrend] = field(default_factory=list)
    top_enterprises: list[EnterpriseCount] = field(default_factory=list)
    # Rows of selectors.surveys.participation_by_town, or None while the surveys area lacks it.
    participation: list | None = None
    # When the figures were counted; `cached` when they are kept for FIGURES_CACHE_SECONDS.
    computed_at: object = None
    cached: bool = False

    def tables(self):
        """(key, title, first column, rows) of each breakdown, in page order."""
        return [
            ("category", _("By category"), _("Category"), self.by_category),
            ("town", _("By town"), _("Town"), self.by_town),
            ("org", _("By handling organisation"), _("Organisation"), self.by_org),
        ]


class CompactRows(Sequence):
    """The rows of the org table kept as plain tuples (key, label, sort, counts, linked) and made
    into `Row`s when read: the district's table has thousands of rows, and as objects they made
    the cached figures over a megabyte of small objects to unpickle on every page view (each view
    then paid a full garbage collection every few requests, ~200 ms). A page reads one page of
    rows; the workbook and the API read them all."""

    def __init__(self, rows, list_url, base):
        self._items = [(r.key, r.label, r.sort, tuple(r.figures.__dict__[n] for n in COUNTS), bool(r.links))
                       for r in rows]
        self._list_url, self._base = list_url, base

    def _row(self, item) -> Row:
        key, label, sort, counts, linked = item
        links = _links(self._list_url, self._base, {"holder": key}) if linked else {}
        return Row(key, label, figures=Figures(**dict(zip(COUNTS, counts, strict=True))), links=links, sort=sort)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(item) for item in self._items[index]]
        return self._row(self._items[index])

    def __len__(self):
        return len(self._items)

    def __eq__(self, other):  # compares as the list of its rows (tests, `== []`)
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None


# --- the period and the records ---------------------------------------------------------------

def period_bounds(year: int, month: int | None = None):
    """[start, end) of the year or month as aware datetimes at local midnight."""
    first = datetime.date(year, month or 1, 1)
    after = datetime.date(year + 1, 1, 1) if month in (None, 12) else datetime.date(year, month + 1, 1)
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.datetime.combine(first, datetime.time()), tz),
            timezone.make_aware(datetime.datetime.combine(after, datetime.time()), tz))


def appeals_in_reach(user, action=VIEW, *, category=""):
    """The appeals in the user's reach for `action` (no DISTINCT: the scope lookup is to-one)."""
    qs = Appeal.objects.visible_to(user, action)
    if category:
        qs = qs.filter(category=category)
    return qs


def received_in(qs, year, month=None):
    start, end = period_bounds(year, month)
    return qs.filter(received_at__gte=start, received_at__lt=end)


def count_aggregates(today):
    satisfied_from = rules().satisfied_from
    return {
        "received": Count("pk"),
        "closed": Count("pk", filter=Q(status=AppealStatus.CLOSED)),
        "on_time": Count("pk", filter=Q(status=AppealStatus.CLOSED, closed_on_time=True)),
        "withdrawn": Count("pk", filter=Q(status=AppealStatus.WITHDRAWN)),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        "rated": Count("pk", filter=Q(satisfaction__isnull=False)),
        "satisfaction_sum": Sum("satisfaction"),
        "satisfied": Count("pk", filter=Q(satisfaction__gte=satisfied_from)),
        "reopened": Count("pk", filter=Q(reopen_count__gte=1)),
    }


def _figures(row) -> Figures:
    return Figures(**{name: row.get(name) or 0 for name in COUNTS})


def _working_day_ordinals(first: datetime.date, last: datetime.date) -> list[int]:
    """Working days after `first` up to and including each day of [first, last] (core.workdays), as a
    list indexed by (day − first): the working days between two days is a subtraction."""
    # The calendar's overrides once for the whole span (is_working_day reads them from the cache on
    # every call: a round trip per day).
    overrides = workdays._overrides()
    ordinals, count, day = [0], 0, first
    while day < last:
        day += datetime.timedelta(days=1)
        count += workdays._is_working_day(day, overrides)
        ordinals.append(count)
    return ordinals


def _ordinal_span(year, today):
    """The days the working-day ordinals cover: received in the year, closed by now (a year of margin:
    an appeal closed later than today by a clock skew still counts)."""
    first = datetime.date(year, 1, 1)
    return first, max(today, datetime.date(year, 12, 31)) + datetime.timedelta(days=366)


def _days_aggregates(year, today) -> dict:
    """PostgreSQL: the working days to close summed in the counting pass itself — ordinal(day closed) −
    ordinal(day received), each read from one int[] parameter indexed by the local day. Elsewhere {}
    (`_days_to_close` counts them in two grouped queries)."""
    if connection.vendor != "postgresql":
        return {}
    first, last = _ordinal_span(year, today)
    table = Appeal._meta.db_table
    tz = timezone.get_current_timezone_name()
    ordinals = _working_day_ordinals(first, last)
    days = RawSQL(
        f'(%s::int[])[("{table}"."closed_at" AT TIME ZONE %s)::date - %s::date + 1]'
        f' - (%s::int[])[("{table}"."received_at" AT TIME ZONE %s)::date - %s::date + 1]',
        (ordinals, tz, first, ordinals, tz, first), output_field=IntegerField())
    closed = Q(status=AppealStatus.CLOSED, closed_at__isnull=False)
    # Count(days) leaves out a day beyond the array (NULL), as Sum does: the average stays right.
    return {"days_sum": Sum(days, filter=closed), "days_n": Count(days, filter=closed)}


def _days_to_close(period, year, today) -> dict:
    """(category, town, org, month received) → (sum of working days to close, closed appeals counted),
    for databases without arrays (the tests' SQLite).

    The days of one appeal are ordinal(day closed) − ordinal(day received) (`_working_day_ordinals`),
    so a group's sum is Σ ordinal(closed) − Σ ordinal(received): two GROUP BY queries, one by day
    received and one by day closed (at most categories × orgs × 365 rows each, never one per appeal)."""
    closed = period.filter(status=AppealStatus.CLOSED, closed_at__isnull=False).order_by()
    received_days = list(closed.annotate(day=TruncDate("received_at"), month=ExtractMonth("received_at"))
                         .values_list("category", "town", "org", "month", "day").annotate(n=Count("pk")))
    if not received_days:
        return {}
    closed_days = list(closed.annotate(day=TruncDate("closed_at"), month=ExtractMonth("received_at"))
                       .values_list("category", "town", "org", "month", "day").annotate(n=Count("pk")))
    first, last = _ordinal_span(year, today)
    last = max(last, *(row[4] for row in closed_days))
    ordinals = _working_day_ordinals(first, last)
    out = {}
    for sign, rows in ((-1, received_days), (1, closed_days)):
        for category, town, org, month, day, n in rows:
            key = (category, town, org, month)
            total, count = out.get(key, (0, 0))
            # Each appeal is counted once (in the rows of the day closed).
            out[key] = (total + sign * ordinals[(day - first).days] * n, count + (n if sign > 0 else 0))
    return out


# --- links to the appeal list -------------------------------------------------------------------------

FIGURE_FILTERS = {
    "received": {},
    "closed": {"status": AppealStatus.CLOSED},
    "on_time": {"status": AppealStatus.CLOSED, "closed_on_time": "1"},
    "withdrawn": {"status": AppealStatus.WITHDRAWN},
    "overdue": {"overdue": "1"},
}


def _list_url():
    try:
        return reverse("voice:appeal_list")
    except NoReverseMatch:  # the appeals area's list is not there yet: figures without links
        return ""


class _Links(Mapping):
    """Figure name → URL of the appeal list behind it, built when first read: the district's org
    table has thousands of rows and a page shows one page of them, so most rows' links are never
    read (building them all cost ~0.3 s of a district count)."""

    def __init__(self, base_url, query):
        self._base_url, self._query, self._built = base_url, query, None

    def _urls(self):
        if self._built is None:
            self._built = {}
            for name, params in FIGURE_FILTERS.items():
                query = {**self._query, **params}
                self._built[name] = self._base_url + "?" + urlencode(
                    {k: v for k, v in query.items() if v not in (None, "")})
        return self._built

    def __getitem__(self, name):
        return self._urls()[name]

    def __iter__(self):
        return iter(self._urls())

    def __len__(self):
        return len(FIGURE_FILTERS)


def _links(base_url, base_params, extra=None):
    if not base_url:
        return {}
    return _Links(base_url, {**base_params, **(extra or {})})


# --- the statistics ---------------------------------------------------------------------------------

def appeal_stats(user, *, year: int, month: int | None = None, category: str = "", action=VIEW,
                 refresh: bool = False) -> AppealStats:
    """Every figure of the page (and of the API and the workbook) for the period, in the user's
    reach for `action`: counted by `count_appeal_stats` (a fixed number of queries whatever the
    number of appeals) and kept for FIGURES_CACHE_SECONDS per (reach, period, category, language,
    day); `computed_at` says when they were counted, `refresh=True` counts again."""
    seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 300)
    key = _cache_key(user, action, year, month, category) if seconds > 0 else None
    if key and not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    stats = count_appeal_stats(user, year=year, month=month, category=category, action=action)
    if key:
        stats.cached = True
        cache.set(key, stats, seconds)
        # The overview card needs the total only: a few bytes, where the whole (with the district's
        # thousands of org rows) is over a megabyte to read back.
        cache.set(key + ":total", stats.total.figures, seconds)
    return stats


def _cache_key(user, action, year, month, category):
    """The reach (all, or the user's subtree paths for the action), the period and category, the
    language of the labels, today (overdue is counted against it) and the tree version (a moved org
    changes the paths: gonghui.members.figures.forget_all)."""
    from gonghui.members.figures import TREE_VERSION_KEY

    everything, paths = user_scope(user, action)
    parts = ["v1", cache.get(TREE_VERSION_KEY, 0), timezone.localdate(), get_language() or "", action, everything,
             *sorted(paths), year, month or "", category or ""]
    return "voice:appeal-stats:" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def count_appeal_stats(user, *, year: int, month: int | None = None, category: str = "", action=VIEW) -> AppealStats:
    """Count the figures (no cache): one pass over the year's appeals in reach grouped by (category,
    town, org, month received); the tables sum the chosen month's groups (or all), the monthly chart
    sums each month's."""
    today = timezone.localdate()
    stats = AppealStats(year=year, month=month, category=category or "", computed_at=timezone.now())
    reach = appeals_in_reach(user, action, category=category)
    of_year = received_in(reach, year).order_by()
    groups = list(of_year.annotate(month=ExtractMonth("received_at")).values("category", "town", "org", "month")
                  .annotate(**count_aggregates(today), **_days_aggregates(year, today)))
    if connection.vendor != "postgresql":
        days = _days_to_close(of_year, year, today)
        for group in groups:
            group["days_sum"], group["days_n"] = days.get(
                (group["category"], group["town"], group["org"], group["month"]), (0, 0))
    in_period = [g for g in groups if month is None or g["month"] == month]
    orgs = _org_names({g["town"] for g in in_period} | {g["org"] for g in in_period})

    list_url = _list_url()
    base = {"year": year, "month": month, "category": category}
    stats.total = Row(None, _("Total"), links=_links(list_url, base))
    by = {"category": {}, "town": {}, "org": {}}
    for group in in_period:
        figures = _figures(group)
        stats.total.figures.add(figures)
        for key in by:
            value = group[key]
            row = by[key].get(value)
            if row is None:
                row = by[key][value] = _row(key, value, orgs, list_url, base)
            row.figures.add(figures)

    labels = dict(AppealCategory.choices)
    stats.by_category = sorted(by["category"].values(), key=lambda r: list(labels).index(r.key)
                               if r.key in labels else len(labels))
    stats.by_town = sorted(by["town"].values(), key=lambda r: (r.key is None, r.sort))
    stats.by_org = CompactRows(sorted(by["org"].values(), key=lambda r: (-r.figures.received, r.sort)),
                               list_url, base)
    stats.monthly = _monthly(groups, year, list_url, base)
    stats.top_month = top_month(year, month, today)
    stats.top_categories, stats.top_enterprises = _top_issues(
        appeals_in_reach(user, action), *stats.top_month, list_url,
        groups=groups if not category and stats.top_month[0] == year and stats.top_month[1] > 1 else None)
    stats.participation = survey_participation(user, year)
    return stats


def _org_names(ids):
    ids = {i for i in ids if i}
    return {o["pk"]: o for o in Org.objects.filter(pk__in=ids).values("pk", "name", "short_name", "path")}


def _row(key, value, orgs, list_url, base) -> Row:
    if key == "category":
        label = str(dict(AppealCategory.choices).get(value, value))
        return Row(value, label, links=_links(list_url, base, {"category": value}), sort=value)
    org = orgs.get(value)
    if key == "town":
        if org is None:
            return Row(None, _("Above town level"), links={}, sort="")
        return Row(value, org["short_name"] or org["name"], links=_links(list_url, base, {"town": value}),
                   sort=org["path"])
    # The org: the list's `holder` filter is exactly the handling org (its `org` filter is the
    # org's subtree, which would add the appeals of a town's unions to the town's own row).
    label = (org["short_name"] or org["name"]) if org else str(value)
    links = _links(list_url, base, {"holder": value}) if org else {}
    return Row(value, label, links=links, sort=org["path"] if org else "")


def _monthly(groups, year, list_url, base) -> list[Row]:
    """The twelve months of the year: each month's appeals' figures (sums of the counting pass's groups)."""
    months = {m: Row(m, str(m), links=_links(list_url, {**base, "month": m})) for m in range(1, 13)}
    for group in groups:
        months[group["month"]].figures.add(_figures(group))
    return list(months.values())


def top_month(year, month, today):
    """The month of "top issues": the chosen one; else this month in the current year, December of a
    past year, January of a future one."""
    if month:
        return year, month
    if year == today.year:
        return year, today.month
    return (year, 12) if year < today.year else (year, 1)


def _previous(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _top_issues(reach, year, month, list_url, *, groups=None):
    """The categories ranked by appeals received in the month (with the month before), and the
    enterprises with the most appeals that month. The categories come from the counting pass's
    `groups` when given (the same year, every category), else from one GROUP BY; the enterprises
    from one GROUP BY."""
    prev = _previous(year, month)
    if groups is not None:
        rows = [{"category": g["category"], "m": g["month"], "n": g["received"]}
                for g in groups if g["month"] in (month, prev[1])]
    else:
        start, _end = period_bounds(*prev)
        _start, end = period_bounds(year, month)
        rows = (reach.filter(received_at__gte=start, received_at__lt=end).order_by()
                .annotate(m=ExtractMonth("received_at")).values("category", "m").annotate(n=Count("pk")))
    counts = {}
    for row in rows:
        this, before = counts.get(row["category"], (0, 0))
        if row["m"] == month:
            this += row["n"]
        else:
            before += row["n"]
        counts[row["category"]] = (this, before)
    labels = dict(AppealCategory.choices)
    order = list(labels)
    trends = [CategoryTrend(code, str(labels.get(code, code)), this, before,
                            link=f"{list_url}?{urlencode({'year': year, 'month': month, 'category': code})}"
                            if list_url else "")
              for code, (this, before) in counts.items()]
    trends.sort(key=lambda t: (-t.count, -t.previous, order.index(t.key) if t.key in order else 99))

    month_start, month_end = period_bounds(year, month)
    named = {}
    for row in (reach.filter(received_at__gte=month_start, received_at__lt=month_end).order_by()
                .values("enterprise", "enterprise__name", "enterprise_name").annotate(n=Count("pk"))):
        name = row["enterprise__name"] or (row["enterprise_name"] or "").strip()
        if not name:
            continue  # no enterprise named (e.g. anonymous about no firm): not an enterprise issue
        key = ("id", row["enterprise"]) if row["enterprise"] else ("name", name)
        found = named.get(key)
        named[key] = EnterpriseCount(row["enterprise"], name, (found.count if found else 0) + row["n"])
    enterprises = sorted(named.values(), key=lambda e: (-e.count, e.name))[:rules().top_enterprises]
    return trends, enterprises


def survey_participation(user, year):
    """The surveys area's participation by town, or None while it does not provide it."""
    try:
        from . import surveys
    except ImportError:  # pragma: no cover — the module exists from the skeleton on
        return None
    source = getattr(surveys, "participation_by_town", None)
    if source is None:
        return None
    rows = list(source(user, year))
    for row in rows:
        row["rate"] = _ratio(row.get("responded") or 0, row.get("targeted") or 0)
    return rows


def definitions():
    """The definitions shown under the tables and on the workbook's definitions sheet."""
    satisfied_from = rules().satisfied_from
    return [
        _("Counted: the appeals received in the period (the year, or the chosen month), in your reach (the "
          "organisation handling them now is in your subtree), of the chosen category if any. Every figure is "
          "about those appeals: “closed” means received in the period and closed by now."),
        _("Received: all of them, withdrawn included. Withdrawn: withdrawn by the worker. Closed: closed now. "
          "Closed on time: closed on or before the due date. On-time rate = closed on time ÷ closed."),
        _("Average days to close: working days (weekends, public holidays and swapped working days taken into "
          "account) from the day received to the day closed, averaged over the closed appeals."),
        _("Satisfaction: the average of the workers' ratings (1 to 5) of the rated appeals. Satisfied = rated "
          "%(n)s or more ÷ rated. Re-opened: re-opened by the worker (at most once each).") % {"n": satisfied_from},
        _("Overdue now: still open (received or being handled) and past the due date today."),
        _("Town: the town of the organisation handling the appeal (“above town level” when the district handles "
          "it). Organisation: the one handling it now."),
        _("Top issues of the month: categories ranked by appeals received in the month, compared with the month "
          "before; enterprises with the most appeals in the month (registered, or as named by the worker). The "
          "category filter does not apply to them."),
        _("Survey participation: responses ÷ targeted members of the surveys of the year, by town (from the "
          "surveys)."),
    ]


# --- the charts ---------------------------------------------------------------------------------------

def monthly_chart(stats: AppealStats, *, labels: dict) -> dict:
    """ECharts option (static/js/charts.js via json_script): per month, received and closed as bars;
    a click on a month opens the list of its appeals."""
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "left": 0, "itemWidth": 14, "itemHeight": 10, "textStyle": {"fontSize": 12}},
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "category", "data": labels["months"]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"type": "bar", "name": labels["received"], "barMaxWidth": 14, "itemStyle": {"color": "#3a7ca5"},
             "data": [row.figures.received for row in stats.monthly]},
            {"type": "bar", "name": labels["closed"], "barMaxWidth": 14, "itemStyle": {"color": "#b8232f"},
             "data": [row.figures.closed for row in stats.monthly]},
        ],
        "links": [row.links.get("received", "") for row in stats.monthly],
    }


def category_chart(stats: AppealStats, *, labels: dict) -> dict:
    """ECharts option: per category, received and closed as horizontal bars."""
    rows = stats.by_category
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "left": 0, "itemWidth": 14, "itemHeight": 10, "textStyle": {"fontSize": 12}},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": [row.label for row in rows],
                  "axisLabel": {"width": 90, "overflow": "truncate"}},
        "series": [
            {"type": "bar", "name": labels["received"], "barMaxWidth": 14, "itemStyle": {"color": "#3a7ca5"},
             "data": [row.figures.received for row in rows]},
            {"type": "bar", "name": labels["closed"], "barMaxWidth": 14, "itemStyle": {"color": "#b8232f"},
             "data": [row.figures.closed for row in rows]},
        ],
        "links": [row.links.get("received", "") for row in rows],
    }


# --- the overview card ------------------------------------------------------------------------------

def overview_card(user):
    """This year's appeals in the user's reach: received, closed on time, overdue now (the cached
    figures of the year's page, else one aggregate)."""
    from gonghui.core.overview import Card
    from gonghui.core.overview import Row as CardRow

    if not user.is_authenticated or not user.can(VIEW):
        return None
    today = timezone.localdate()
    # The year's page figures when counted lately (kept for FIGURES_CACHE_SECONDS), else one aggregate.
    seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 300)
    cached = cache.get(_cache_key(user, VIEW, today.year, None, "") + ":total") if seconds > 0 else None
    if cached is not None:
        figures = cached
    else:
        figures = _figures(received_in(appeals_in_reach(user), today.year).order_by()
                           .aggregate(**count_aggregates(today)))
    try:
        url = reverse("voice:appeal_stats") + f"?year={today.year}"
    except NoReverseMatch:  # pragma: no cover
        url = ""
    rate = figures.on_time_rate
    return Card(title=_("Appeal statistics %(year)s") % {"year": today.year}, url=url, rows=[
        CardRow(_("Received"), figures.received, url),
        CardRow(_("On-time rate"), "—" if rate is None else f"{rate} %", url),
        CardRow(_("Overdue now"), figures.overdue, url, alert=bool(figures.overdue)),
    ])
