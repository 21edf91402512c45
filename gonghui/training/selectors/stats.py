"""Training statistics against the yearly targets, from the records only (issue 8, item 6).

Definitions (also in docs/training-stats.md and under the tables of the page):
- the records counted are **seat enrolments**: status ENROLLED, COMPLETED or NOT_COMPLETED
  (`models.SEAT_STATUSES`; waiting-list and cancelled enrolments hold no seat) in a course that is
  not cancelled, in the user's reach (`Enrolment` scope: the course organiser's or the trainee's
  union's subtree);
- a course's year is `Course.year`; every figure of a year is of that year's courses;
- **trainees**: distinct people holding such a seat — a person with several courses counts once
  in the year (and once in each row of a breakdown, so the rows of a breakdown may add up to more
  than the total);
- **person-times** (人次): the seat enrolments;
- **class hours**: the sum of the hours of the sessions each trainee attended (attendance
  PRESENT or LATE, session not cancelled) — trainee-hours;
- **completion rate**: COMPLETED ÷ (COMPLETED + NOT_COMPLETED), the enrolments decided so far;
- **certificates**: valid (not revoked) certificates of those enrolments;
- **school, programme**: the course's; **town**: `Enrolment.town` (the town of the trainee's union,
  copied at enrolment; "above town level" when none); **industry**: the industry of the enterprise
  of the trainee's union (`Enrolment.union`; the first enterprise of a joint union; "unknown" when
  none);
- **targets**: `TrainingTarget` of the district and of each town; the district's is set against
  the total (and shown in the year table), a town's against its row of the town table (its
  `Enrolment.town`, whoever organised the course). Progress = figure ÷ target.

Queries: for the total and for each breakdown (school, programme, town, industry, year) one
aggregate (GROUP BY) query over the seat enrolments (counts, no to-many join); the hours of the year
from ONE GROUP BY over the attendance marks by (town, school, programme, union) — hours add up, so
that serves every breakdown —, one small query for the unions' industries, one for the hours by year,
plus one for the targets: ten whatever the number of records. No loop over enrolments or marks in
Python (only over grouped rows). The figures are cached per (reach, year) for FIGURES_CACHE_SECONDS
(the page shows when they were counted and offers a recount); the targets are read every time.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.scoping import scope_q, user_scope
from gonghui.orgs.models import Enterprise, Industry, OrgLevel

from ..models import (
    PRESENT_STATUSES,
    SEAT_STATUSES,
    Attendance,
    CertificateStatus,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Programme,
    TrainingTarget,
)

VIEW = "training.view"
EXPORT = "training.export"
CONFIGURE = "training.configure"

# Due-soon sources this area registers with the dashboard (see core.overview).
DUE_SOURCES = ()

FIGURE_NAMES = ("trainees", "person_times", "hours", "completed", "decided", "certificates")
BREAKDOWNS = ("school", "programme", "town", "industry", "year")


def _rate(part, whole):
    """Percentage with one decimal, None when there is nothing to divide by."""
    if not whole:
        return None
    return round(Decimal(part) * 100 / Decimal(whole), 1)


@dataclass
class Figures:
    trainees: int = 0
    person_times: int = 0
    hours: Decimal = Decimal(0)
    completed: int = 0
    decided: int = 0
    certificates: int = 0

    @property
    def completion_rate(self):
        return _rate(self.completed, self.decided)

    @classmethod
    def of(cls, row: dict):
        return cls(**{name: row.get(name) or (Decimal(0) if name == "hours" else 0) for name in FIGURE_NAMES})

    def as_dict(self):
        return {**{name: getattr(self, name) for name in FIGURE_NAMES}, "completion_rate": self.completion_rate}


@dataclass
class Row:
    key: object
    label: str
    figures: Figures = field(default_factory=Figures)
    target: TrainingTarget | None = None
    path: str = ""  # the town's tree path (the town table's order)

    def progress(self, name):
        if self.target is None:
            return None
        return _rate(getattr(self.figures, name), getattr(self.target, name))

    @property
    def trainees_progress(self):
        return self.progress("trainees")

    @property
    def person_times_progress(self):
        return self.progress("person_times")

    @property
    def hours_progress(self):
        return self.progress("hours")


@dataclass
class TrainingStats:
    year: int
    total: Figures = field(default_factory=Figures)
    by_school: list[Row] = field(default_factory=list)
    by_programme: list[Row] = field(default_factory=list)
    by_town: list[Row] = field(default_factory=list)
    by_industry: list[Row] = field(default_factory=list)
    by_year: list[Row] = field(default_factory=list)
    # The year's targets, each with the figures it is set against.
    targets: list[Row] = field(default_factory=list)
    # When the figures were counted; `cached` when they are kept for FIGURES_CACHE_SECONDS.
    computed_at: object = None
    cached: bool = False

    def breakdowns(self):
        """(key, title, first column, rows) of each table, in page order."""
        return [
            ("town", _("By town"), _("Town"), self.by_town),
            ("school", _("By worker school"), _("Worker school"), self.by_school),
            ("programme", _("By programme"), _("Programme"), self.by_programme),
            ("industry", _("By industry"), _("Industry"), self.by_industry),
            ("year", _("By year"), _("Year"), self.by_year),
        ]


# --- the records ----------------------------------------------------------------------------------

def seat_enrolments(user, action=VIEW):
    """Seat enrolments of courses not cancelled, in the user's reach for `action`. No DISTINCT:
    the scope lookups are to-one, the rows never repeat."""
    everything, paths = user_scope(user, action)
    qs = (Enrolment.objects.filter(status__in=SEAT_STATUSES)
          .exclude(course__status__in=(CourseStatus.CANCELLED, CourseStatus.DRAFT)))
    if everything:
        return qs
    condition = scope_q(Enrolment.scope_lookups, paths, Enrolment)
    return qs.filter(condition) if condition is not None else qs.none()


def attended_marks(user, action=VIEW):
    """Attendance marks that count hours (PRESENT or LATE, session not cancelled) of the seat
    enrolments `seat_enrolments` returns, in the same reach."""
    everything, paths = user_scope(user, action)
    qs = (Attendance.objects.filter(status__in=PRESENT_STATUSES, session__is_cancelled=False,
                                    enrolment__status__in=SEAT_STATUSES)
          .exclude(enrolment__course__status__in=(CourseStatus.CANCELLED, CourseStatus.DRAFT)))
    if everything:
        return qs
    condition = scope_q(tuple(f"enrolment__{lookup}" for lookup in Enrolment.scope_lookups), paths, Attendance)
    return qs.filter(condition) if condition is not None else qs.none()


def count_aggregates():
    """The counts over seat enrolments (no to-many join: plain counts, DISTINCT only for people)."""
    return {
        "trainees": Count("person", distinct=True),
        "person_times": Count("pk"),
        "completed": Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
        "decided": Count("pk", filter=Q(status__in=(EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED))),
        "certificates": Count("certificate", filter=Q(certificate__status=CertificateStatus.VALID)),
    }


HOURS = {"hours": Sum("session__hours")}


def union_industry(union_ref="union_id"):
    """SQL: the industry of the enterprise of the enrolment's union (the first, for a joint union)."""
    return Subquery(Enterprise.objects.filter(union=OuterRef(union_ref)).order_by("pk").values("industry")[:1])


def _grouped(enrolments, key, hours, *labels):
    """Rows of `enrolments` grouped by `key` (with `labels`): one GROUP BY query; each row gets its
    hours from `hours` (key → hours, see `_hours_by`)."""
    if key == "industry":
        rows = (enrolments.order_by().annotate(industry=union_industry()).values("industry")
                .annotate(**count_aggregates()))
    else:
        rows = enrolments.order_by().values(key, *labels).annotate(**count_aggregates())
    rows = list(rows)
    for row in rows:
        row["hours"] = hours.get(row[key])
    return rows


HOURS_KEYS = {"town": "enrolment__town", "course__school": "enrolment__course__school",
              "course__programme": "enrolment__course__programme", "union": "enrolment__union"}


def _hours_by(marks):
    """The attended hours of `marks` by town, school, programme and industry — hours add up, so ONE
    query grouped by (town, school, programme, union) serves every breakdown (a few thousand rows at
    district size: one per combination, never per mark) — plus one small query for the unions'
    industries (the first enterprise of a joint union, as `union_industry`). Returns
    ({breakdown key: {key value: hours}}, total hours)."""
    combos = list(marks.order_by().values_list(*HOURS_KEYS.values()).annotate(hours=Sum("session__hours")))
    by = {key: {} for key in (*HOURS_KEYS, "industry")}
    total = Decimal(0)
    for *values, hours in combos:
        hours = hours or Decimal(0)
        total += hours
        for key, value in zip(HOURS_KEYS, values, strict=True):
            by[key][value] = by[key].get(value, Decimal(0)) + hours
    unions = [u for u in by["union"] if u]
    industry_of = {}
    for union_id, industry in (Enterprise.objects.filter(union_id__in=unions).order_by("union_id", "-pk")
                               .values_list("union_id", "industry")):
        industry_of[union_id] = industry  # ordered by -pk: the first enterprise is written last
    for union_id, hours in by["union"].items():
        industry = industry_of.get(union_id)
        by["industry"][industry] = by["industry"].get(industry, Decimal(0)) + hours
    return by, total


# --- the statistics ---------------------------------------------------------------------------------

def year_total(user, year, action=VIEW) -> Figures:
    """The year's total figures in the user's reach: two aggregate queries."""
    row = seat_enrolments(user, action).filter(course__year=year).order_by().aggregate(**count_aggregates())
    row.update(attended_marks(user, action).filter(enrolment__course__year=year).order_by().aggregate(**HOURS))
    return Figures.of(row)


def cached_year_total(user, year, action=VIEW) -> Figures:
    """The year's total for the overview card: the cached statistics' total when the page was
    counted lately, else two aggregate queries, kept for FIGURES_CACHE_SECONDS as well."""
    seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 300)
    if seconds <= 0:
        return year_total(user, year, action)
    key = _cache_key(user, year, action)
    stats = cache.get(key)
    if stats is not None:
        return stats.total
    total = cache.get(key + ":total")
    if total is None:
        total = year_total(user, year, action)
        cache.set(key + ":total", total, seconds)
    return total


def training_stats(user, *, year: int, action=VIEW, refresh=False) -> TrainingStats:
    """The year's figures in the user's reach for `action` (VIEW for the page and the API, EXPORT
    for the workbook), with the targets the user may see. The figures (ten aggregate queries
    over the records) are cached per (reach, year, language) for `FIGURES_CACHE_SECONDS` (0 = off,
    as in the tests) and `computed_at` says when they were counted; `refresh=True` counts again.
    The targets (one small query) are read on every call, so a target just set shows at once."""
    stats = _cached_figures(user, year, action, refresh=refresh)
    _attach_targets(stats, user, year)
    return stats


def _cache_key(user, year, action):
    from django.utils.translation import get_language

    from gonghui.members.figures import TREE_VERSION_KEY

    everything, paths = user_scope(user, action)
    parts = ["v1", cache.get(TREE_VERSION_KEY, 0), year, get_language() or "", everything, *sorted(paths)]
    return "training:stats:" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def _cached_figures(user, year, action, *, refresh=False) -> TrainingStats:
    from gonghui.members.figures import kept_figures

    return kept_figures(lambda: _cache_key(user, year, action), lambda: _count_figures(user, year, action),
                        refresh=refresh)


def _count_figures(user, year, action) -> TrainingStats:
    """The figures of the year (no targets): ten queries whatever the size — the counts of the total
    and of each breakdown (one GROUP BY each, over the seat enrolments), the year's hours (one GROUP
    BY over the marks, shared by every breakdown) and the unions' industries, the year table's
    counts and hours (one each)."""
    every_year, every_mark = seat_enrolments(user, action), attended_marks(user, action)
    of_year, marks = every_year.filter(course__year=year), every_mark.filter(enrolment__course__year=year)
    stats = TrainingStats(year=year, computed_at=timezone.now())
    hours, total_hours = _hours_by(marks)
    stats.total = Figures.of({**of_year.order_by().aggregate(**count_aggregates()), "hours": total_hours})

    town_rows = sorted(_grouped(of_year, "town", hours["town"], "town__name", "town__short_name", "town__path"),
                       key=lambda row: (row["town"] is None, row["town__path"] or ""))
    stats.by_town = [Row(row["town"], (row["town__short_name"] or row["town__name"]) if row["town"]
                         else _("Above town level"), Figures.of(row), path=row["town__path"] or "")
                     for row in town_rows]
    stats.by_school = sorted(
        (Row(row["course__school"], row["course__school__name"] or _("No worker school"), Figures.of(row))
         for row in _grouped(of_year, "course__school", hours["course__school"], "course__school__name")),
        key=lambda r: (r.key is None, r.label))
    programmes = {row["course__programme"]: row
                  for row in _grouped(of_year, "course__programme", hours["course__programme"])}
    stats.by_programme = [Row(code, str(label), Figures.of(programmes[code]))
                          for code, label in Programme.choices if code in programmes]
    industries = {row["industry"]: row for row in _grouped(of_year, "industry", hours["industry"])}
    stats.by_industry = [Row(code, str(label), Figures.of(industries[code]))
                         for code, label in Industry.choices if code in industries]
    if None in industries:
        stats.by_industry.append(Row(None, _("Unknown industry"), Figures.of(industries[None])))
    year_hours = dict(every_mark.order_by().values("enrolment__course__year").annotate(**HOURS)
                      .values_list("enrolment__course__year", "hours"))
    years = {row["course__year"]: row for row in _grouped(every_year, "course__year", year_hours)}
    stats.by_year = [Row(y, str(y), Figures.of(row)) for y, row in years.items()]
    return stats


def _attach_targets(stats: TrainingStats, user, year):
    """The year's targets the user may see (one query), each with the figures it is set against; a
    town with a target and no records gets its row (all 0) in the town table, so its progress shows."""
    targets = list(TrainingTarget.objects.visible_to(user, VIEW).select_related("org").order_by("org__path", "year"))
    headline = _headline_org(targets)
    towns = {row.key: row for row in stats.by_town}
    stats.targets = []
    for target in targets:
        if target.year != year:
            continue
        if target.org_id != headline and target.org_id not in towns:
            towns[target.org_id] = Row(target.org_id, target.org.short_name or target.org.name, Figures(),
                                       path=target.org.path)
            stats.by_town.append(towns[target.org_id])
        figures = stats.total if target.org_id == headline else towns[target.org_id].figures
        stats.targets.append(Row(target.org_id, target.org.short_name or target.org.name, figures, target))
        if target.org_id in towns:
            towns[target.org_id].target = target
    stats.by_town.sort(key=lambda row: (row.key is None, row.path))
    headline_targets = {t.year: t for t in targets if t.org_id == headline}
    years = {row.key: row for row in stats.by_year}
    stats.by_year = [Row(y, str(y), years[y].figures if y in years else Figures(), headline_targets.get(y))
                     for y in sorted(set(years) | set(headline_targets), reverse=True)]


def _headline_org(targets):
    """The district, when its targets are visible: they stand for the total (and the year table)."""
    for target in targets:
        if target.org.level == OrgLevel.DISTRICT:
            return target.org_id
    return None


def visible_targets(user, *, year=None):
    qs = TrainingTarget.objects.visible_to(user, VIEW).select_related("org", "updated_by")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "org__path", "id")


def definitions():
    """The definitions shown under the tables and on the workbook's summary sheet."""
    return [
        _("Counted: enrolments holding a seat (enrolled, completed or not completed) in courses not cancelled; "
          "waiting-list and cancelled enrolments do not count. A course's year is the course's year."),
        _("Trainees: distinct people; a person with several courses in the year counts once (and once in each "
          "row of a table, so rows may add up to more than the total). Person-times: the seat enrolments."),
        _("Class hours: the hours of the sessions each trainee attended (present or late; cancelled sessions "
          "do not count), added up over the trainees."),
        _("Completion rate: completed ÷ decided (completed + not completed). Certificates: issued and not revoked."),
        _("Town: the town of the trainee's union at enrolment (“above town level” when none); every town with a "
          "target for the year is listed, even without records. Industry: of the enterprise of the trainee's union "
          "(for a joint union, its first registered enterprise; “unknown industry” when it has none). School and "
          "programme: the course's."),
        _("Targets: the district's target is set against the total, a town's against its row; progress = "
          "figure ÷ target."),
    ]


# --- the chart --------------------------------------------------------------------------------------

def town_chart(stats: TrainingStats, *, labels: dict) -> dict:
    """ECharts option (static/js/charts.js reads it through json_script): per town, trainees and
    person-times as bars, and the town's trainees target as a marker."""
    rows = stats.by_town
    names = [row.label for row in rows]
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "left": 0, "itemWidth": 14, "itemHeight": 10, "textStyle": {"fontSize": 12}},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": names,
                  "axisLabel": {"width": 90, "overflow": "truncate"}},
        "series": [
            {"type": "bar", "name": labels["trainees"], "barMaxWidth": 14, "itemStyle": {"color": "#b8232f"},
             "data": [row.figures.trainees for row in rows]},
            {"type": "bar", "name": labels["person_times"], "barMaxWidth": 14, "itemStyle": {"color": "#3a7ca5"},
             "data": [row.figures.person_times for row in rows]},
            {"type": "scatter", "name": labels["target"], "symbol": "diamond", "symbolSize": 12,
             "itemStyle": {"color": "#333"},
             "data": [row.target.trainees if row.target else None for row in rows]},
        ],
    }


# --- the overview card ------------------------------------------------------------------------------

def overview_card(user):
    """The year's trainees, person-times and class hours in the user's reach: two aggregate queries
    (or none, from the cache — see `cached_year_total`)."""
    from django.urls import reverse

    from gonghui.core.overview import Card
    from gonghui.core.overview import Row as CardRow

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = timezone.localdate().year
    figures = cached_year_total(user, year)
    url = reverse("training:stats") + f"?year={year}"
    return Card(title=_("Training statistics %(year)s") % {"year": year}, url=url, rows=[
        CardRow(_("Trainees"), figures.trainees, url),
        CardRow(_("Person-times"), figures.person_times, url),
        CardRow(_("Class hours"), figures.hours, url),
    ])
