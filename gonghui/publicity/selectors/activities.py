"""Reads of the `activities` area (theme activities), scoped to the user: the list and its
filters, the yearly counts by town and theme (only CONFIRMED activities count), the overview card
and the reviewers' "awaiting confirmation" line on the dashboard."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from ..models.activities import ActivityPhoto, ActivityStatus, ThemeActivity
from ..policies.activities import CHANGE, REVIEW, VIEW
from ..rules.activities import rules


def today():
    return timezone.localdate()


def activities(user, action=VIEW):
    return ThemeActivity.objects.visible_to(user, action)


@dataclass(frozen=True)
class ActivityFilters:
    q: str = ""
    org: Org | None = None  # a town or union: its subtree
    theme: str = ""
    status: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None  # inclusive
    year: int | None = None


def filtered_activities(user, f: ActivityFilters):
    qs = activities(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.theme:
        qs = qs.filter(theme=f.theme)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.date_from:
        qs = qs.filter(held_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(held_on__lte=f.date_to)
    if f.year:
        qs = qs.filter(held_on__year=f.year)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(place__icontains=q) | Q(org__name__icontains=q))
    return qs


def activity_rows():
    return ThemeActivity.objects.select_related("org", "town").annotate(photo_count=Count("photos"))


def activity_page(user, f: ActivityFilters, *, after=None, size=None):
    return keyset_page(filtered_activities(user, f), after=after, size=size, load=activity_rows())


def status_counts(user, f: ActivityFilters):
    rows = filtered_activities(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def photos_of(activity):
    return list(ActivityPhoto.objects.filter(activity=activity).order_by("uploaded_at", "id"))


def org_choices(user, q="", limit=50):
    """Active orgs (unions, towns, the district) the user may log an activity for, by name."""
    qs = Org.objects.visible_to(user, CHANGE).filter(is_active=True)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


# --- the yearly counts ----------------------------------------------------------------------------

@dataclass
class Cell:
    activities: int = 0
    participants: int = 0


@dataclass
class StatsRow:
    label: str
    town_id: int | None
    activities: int = 0
    participants: int = 0
    organisers: int = 0  # distinct orgs with a confirmed activity
    pending: int = 0  # submitted, awaiting confirmation (not counted)
    by_theme: dict = field(default_factory=dict)  # theme code -> Cell


@dataclass
class YearlyStats:
    year: int
    themes: list  # [(code, label)] of the configured themes, plus unknown codes found
    rows: list  # StatsRow per town (the district's own activities first, "district level")
    total: StatsRow
    by_theme: list  # [(code, label, Cell)] over all towns

    @property
    def table(self):
        """[(label, [Cell per theme])] for each town and the total: the town × theme table."""
        return [(r.label, [r.by_theme.get(code) or Cell() for code, _label in self.themes])
                for r in [*self.rows, self.total]]


def yearly_stats(user, year: int) -> YearlyStats:
    """Counts of the year's theme activities in the user's reach, by town and theme.

    - an activity counts when CONFIRMED and held in `year` (held_on);
    - activities: the number of such activities; participants: the sum of their participants
      (person-times: a worker at two activities counts twice); organisers: distinct orgs;
    - the town is the organiser's town (its own activities included); the district's own
      activities are a row "district level";
    - pending: SUBMITTED activities of the year, not counted until confirmed.
    Two GROUP BY queries."""
    base = activities(user).filter(held_on__year=year)
    confirmed = (base.filter(status=ActivityStatus.CONFIRMED).order_by().values("town_id", "theme")
                 .annotate(n=Count("pk"), p=Sum("participants"), o=Count("org_id", distinct=True)))
    per_town = dict((r["town_id"], r["o"]) for r in base.filter(status=ActivityStatus.CONFIRMED).order_by()
                     .values("town_id").annotate(o=Count("org_id", distinct=True)))
    pending = dict(base.filter(status=ActivityStatus.SUBMITTED).order_by().values_list("town_id")
                   .annotate(n=Count("pk")))
    town_ids = {r["town_id"] for r in confirmed} | set(pending) | set(per_town)
    names = dict(Org.objects.filter(pk__in=[t for t in town_ids if t]).values_list("pk", "name"))
    paths = dict(Org.objects.filter(pk__in=[t for t in town_ids if t]).values_list("pk", "path"))
    rows = {t: StatsRow(label=names.get(t) or _("District level"), town_id=t, pending=pending.get(t, 0),
                        organisers=per_town.get(t, 0)) for t in town_ids}
    themes = list(rules().themes)
    known = {code for code, _label in themes}
    total = StatsRow(label=_("Total"), town_id=None, pending=sum(pending.values()))
    for r in confirmed:
        row = rows[r["town_id"]]
        cell = row.by_theme.setdefault(r["theme"], Cell())
        cell.activities += r["n"]
        cell.participants += r["p"] or 0
        row.activities += r["n"]
        row.participants += r["p"] or 0
        t = total.by_theme.setdefault(r["theme"], Cell())
        t.activities += r["n"]
        t.participants += r["p"] or 0
        if r["theme"] not in known:
            known.add(r["theme"])
            themes.append((r["theme"], r["theme"]))
    total.activities = sum(x.activities for x in rows.values())
    total.participants = sum(x.participants for x in rows.values())
    total.organisers = sum(x.organisers for x in rows.values())
    ordered = sorted(rows.values(), key=lambda x: (x.town_id is not None, paths.get(x.town_id, "")))
    return YearlyStats(year=year, themes=themes, rows=ordered, total=total,
                       by_theme=[(code, label, total.by_theme.get(code, Cell())) for code, label in themes])


def definitions(year):
    return [
        gettext_lazy("An activity counts in the statistics of a year when the town (or the district) has "
                     "confirmed it and it was held in that year; drafts, returned and submitted activities "
                     "do not count (submitted ones are shown as awaiting confirmation)."),
        gettext_lazy("Activities: the number of confirmed activities. Participants: the sum of the participants "
                     "each activity logged, in person-times (a worker at two activities counts twice)."),
        gettext_lazy("Town: the town of the organiser (a union's town, or the town itself); the district "
                     "federation's own activities are the row “District level”."),
        gettext_lazy("Organisers: the number of different unions and federations with at least one confirmed "
                     "activity."),
        gettext_lazy("Themes: 中国梦·劳动美 and the five “sends” of 五进五送 (policy, warmth, culture, health, "
                     "skills), as configured; each activity has one theme."),
    ]


def stats_chart(stats: YearlyStats) -> dict:
    """ECharts option (static/js/charts.js reads it through json_script): per town, the confirmed
    activities stacked by theme."""
    names = [str(r.label) for r in stats.rows]
    palette = ["#b8232f", "#3a7ca5", "#e0a030", "#4f9a55", "#8a5fb0", "#d0663a", "#777777", "#2b8c8c"]
    series = []
    for i, (code, label) in enumerate(stats.themes):
        series.append({"type": "bar", "stack": "themes", "name": str(label), "barMaxWidth": 16,
                       "itemStyle": {"color": palette[i % len(palette)]},
                       "data": [(r.by_theme.get(code) or Cell()).activities for r in stats.rows]})
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "left": 0, "type": "scroll", "itemWidth": 14, "itemHeight": 10,
                   "textStyle": {"fontSize": 12}},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": names,
                  "axisLabel": {"width": 90, "overflow": "truncate"}},
        "series": series,
    }


# --- overview and due -----------------------------------------------------------------------------

def overview_card(user):
    """主题活动 on the publicity overview: this year's confirmed activities and participants,
    awaiting confirmation, returned. One aggregate scoped query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = today().year
    confirmed = Q(status=ActivityStatus.CONFIRMED, held_on__year=year)
    c = activities(user).order_by().aggregate(
        confirmed=Count("pk", filter=confirmed), people=Sum("participants", filter=confirmed),
        submitted=Count("pk", filter=Q(status=ActivityStatus.SUBMITTED)),
        returned=Count("pk", filter=Q(status=ActivityStatus.RETURNED)))
    url = reverse("publicity:activity_list")
    return Card(title=_("Theme activities"), url=url, rows=[
        Row(_("Confirmed activities this year"), c["confirmed"], url + f"?status=CONFIRMED&year={year}"),
        Row(_("Participants this year (person-times)"), c["people"] or 0,
            reverse("publicity:activity_stats") + f"?year={year}"),
        Row(_("Awaiting confirmation"), c["submitted"], url + "?status=SUBMITTED", alert=bool(c["submitted"])),
        Row(_("Returned for correction"), c["returned"], url + "?status=RETURNED", alert=bool(c["returned"])),
    ])


def reviewable(user):
    """Activities the user may confirm or return (`policies.can_review`): in the REVIEW scope, less
    those of the orgs the user's review roles sit on (the level above confirms those), except the
    root's own (nobody is above the district)."""
    qs = ThemeActivity.objects.visible_to(user, REVIEW)
    if user.is_superuser:
        return qs
    own = [p for p in user.scope_paths(REVIEW) if len(p) > Org.steplen]
    return qs.exclude(org__path__in=own) if own else qs


def awaiting_review_summary(user):
    """Dashboard line for reviewers: submitted activities waiting; "overdue" when submitted more
    than 10 days ago (the town confirms within a fortnight, so the yearly report is not late)."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(REVIEW):
        return None
    old = timezone.now() - datetime.timedelta(days=10)
    c = (reviewable(user).filter(status=ActivityStatus.SUBMITTED).order_by()
         .aggregate(overdue=Count("pk", filter=Q(submitted_at__lt=old)),
                    soon=Count("pk", filter=Q(submitted_at__gte=old))))
    return DueSummary(label=_("Theme activities awaiting confirmation"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("publicity:activity_list") + "?status=SUBMITTED")


DUE_SOURCES = (awaiting_review_summary,)

__all__ = ["ActivityFilters", "filtered_activities", "activity_page", "yearly_stats", "overview_card",
           "DUE_SOURCES"]
