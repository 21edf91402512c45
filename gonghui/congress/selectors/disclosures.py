"""Reads of 厂务公开 (open management) for the checklist and list pages and their export.

An item of the checklist (`rules.disclosure_items`) is done for an enterprise and year when at
least one Disclosure of that item is recorded in that year; otherwise it is missing. For the
current year the pages say "as of today": an item may still be disclosed before 31 December.

Cost: the list page is one query for the page (enterprises with a correlated COUNT(DISTINCT
item) served by the (enterprise, year, item) index), one for the page's disclosed items (to
name the missing ones), two aggregates for the summary and one for the town menu. The summary
passes every enterprise of the reach (≈20 ms of SQL for a district): it is kept for
FIGURES_CACHE_SECONDS per (user, filters) and the page says when it was counted.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonghui.core.pagination import KeysetPage
from gonghui.core.selectors import audit_events

from ..models import Disclosure
from ..policies import VIEW
from ..rules import disclosure_items
from .status import EnterpriseFilters, filtered_enterprises

HISTORY_WINDOW = 1000  # disclosure events of the union read to find one checklist's (a union has a few dozen a year)
HISTORY_LIMIT = 200


def item_codes() -> list[str]:
    return [code for code, _label in disclosure_items()]


def items_done(year):
    """Correlated subquery: how many distinct checklist items the enterprise disclosed in `year`."""
    codes = item_codes()
    counted = (Disclosure.objects.filter(enterprise=OuterRef("pk"), year=year, item__in=codes).order_by()
               .values("enterprise").annotate(n=Count("item", distinct=True)).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _done_counts(year):
    """(enterprise, items disclosed in year) rows, grouped in SQL."""
    return (Disclosure.objects.filter(year=year, item__in=item_codes()).order_by().values("enterprise_id")
            .annotate(n=Count("item", distinct=True)))


def complete_ids(year, among):
    """Uncorrelated: the enterprises of `among` (a queryset of enterprises) that disclosed every
    item in `year` (evaluated once and hashed, not once per enterprise)."""
    return (_done_counts(year).filter(enterprise__in=among.values("pk")).filter(n__gte=len(item_codes()))
            .values("enterprise_id"))


def listed_enterprises(user, filters: EnterpriseFilters, *, action=VIEW):
    qs = filtered_enterprises(user, filters, action=action)
    if filters.missing:
        qs = qs.exclude(pk__in=complete_ids(filters.year, among=qs))
    return qs


def disclosure_queryset(user, filters: EnterpriseFilters, *, action=VIEW):
    """The list's enterprises with `done` (a correlated count: for a page of rows)."""
    return (listed_enterprises(user, filters, action=action).annotate(done=items_done(filters.year))
            .select_related("town", "union").order_by("pk"))


@dataclass
class DisclosureSummary:
    year: int
    required: int                 # items on the checklist
    enterprises: int = 0
    complete: int = 0             # every item disclosed
    items_done: int = 0           # Σ items disclosed over the enterprises
    counted_at: datetime.datetime | None = None
    cached: bool = False          # kept for FIGURES_CACHE_SECONDS: the page says when it was counted

    @property
    def with_missing(self):
        return self.enterprises - self.complete

    @property
    def items_missing(self):
        return self.enterprises * self.required - self.items_done

    @property
    def complete_rate(self):
        if not self.enterprises:
            return None
        return round(self.complete * 100 / self.enterprises, 1)


def disclosure_summary(user, filters: EnterpriseFilters, *, refresh=False) -> DisclosureSummary:
    """The summary of the filtered enterprises, from the cache when counted lately (see the
    module); `refresh=True` counts again and replaces the cached entry."""
    from gonghui.members.figures import kept_figures

    return kept_figures(lambda: _summary_key(user, filters), lambda: _count_summary(user, filters), refresh=refresh)


def _summary_key(user, filters: EnterpriseFilters):
    from gonghui.members.figures import user_figures_key

    # What `filtered_enterprises` reads (not `missing` nor `held`: the summary ignores them, so
    # the list with and without "missing only" shares one entry), and the configured checklist.
    return user_figures_key("congress:disclosures", user, filters.year, filters.town.pk if filters.town else None,
                            filters.industry, filters.above_scale, filters.q, item_codes())


def _count_summary(user, filters: EnterpriseFilters) -> DisclosureSummary:
    """Two grouped queries over the filtered enterprises (the "missing" filter aside): how many
    there are, and the items each disclosed (summed here: at most one row per enterprise)."""
    required = len(item_codes())
    listed = filtered_enterprises(user, filters).order_by()
    summary = DisclosureSummary(year=filters.year, required=required, counted_at=timezone.now(),
                                enterprises=listed.aggregate(n=Count("pk"))["n"])
    for n in _done_counts(filters.year).filter(enterprise__in=listed.values("pk")).values_list("n", flat=True):
        summary.items_done += n
        summary.complete += n >= required
    return summary


@dataclass
class ListedEnterprise:
    enterprise: object
    done: int
    missing: list = field(default_factory=list)   # (code, label) of the items not disclosed


def disclosure_page(user, filters: EnterpriseFilters, *, count: int, after=None, size=None) -> KeysetPage:
    size = size or settings.LIST_PAGE_SIZE
    qs = disclosure_queryset(user, filters)
    if after:
        qs = qs.filter(pk__gt=after)
    rows = list(qs[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    disclosed = disclosed_items(filters.year, [row.pk for row in rows])
    items = [ListedEnterprise(enterprise=row, done=row.done,
                              missing=[(code, label) for code, label in disclosure_items()
                                       if code not in disclosed.get(row.pk, set())])
             for row in rows]
    return KeysetPage(items=items, next_after=rows[-1].pk if has_more else None, has_previous=bool(after),
                      count=count, count_capped=False)


def disclosed_items(year, enterprise_ids) -> dict[int, set]:
    """{enterprise id: {item codes disclosed in year}} in one query."""
    result: dict[int, set] = {}
    if not enterprise_ids:
        return result
    for enterprise_id, item in (Disclosure.objects.filter(enterprise_id__in=enterprise_ids, year=year).order_by()
                                .values_list("enterprise_id", "item").distinct()):
        result.setdefault(enterprise_id, set()).add(item)
    return result


# --- one enterprise's checklist -----------------------------------------------------------------------

@dataclass
class ChecklistItem:
    code: str
    label: str
    disclosures: list

    @property
    def missing(self):
        return not self.disclosures


@dataclass
class Checklist:
    enterprise: object
    year: int
    items: list[ChecklistItem]
    other: list           # disclosures of items no longer on the checklist (a changed configuration)

    @property
    def done(self):
        return sum(1 for item in self.items if not item.missing)

    @property
    def missing(self):
        return [item for item in self.items if item.missing]


def checklist(enterprise, year) -> Checklist:
    rows = list(Disclosure.objects.filter(enterprise=enterprise, year=year).order_by("disclosed_on", "id"))
    by_item: dict[str, list] = {}
    for row in rows:
        by_item.setdefault(row.item, []).append(row)
    codes = dict(disclosure_items())
    items = [ChecklistItem(code=code, label=str(label), disclosures=by_item.get(code, []))
             for code, label in codes.items()]
    other = [row for row in rows if row.item not in codes]
    return Checklist(enterprise=enterprise, year=year, items=items, other=other)


def history(user, enterprise, year):
    """The audit events of one checklist (recorded and deleted disclosures), newest first: the
    union's latest disclosure events, kept when their snapshot names this enterprise and year."""
    from gonghui.core.audit_display import describe_events

    events = (audit_events(user).filter(object_type="congress.Disclosure", org_id=enterprise.union_id)
              .order_by("-at", "-id")[:HISTORY_WINDOW])

    def about(event):
        snapshot = event.after if isinstance(event.after, dict) else event.before
        return (isinstance(snapshot, dict) and snapshot.get("enterprise_id") == enterprise.pk
                and snapshot.get("year") == year)

    return describe_events([event for event in events if about(event)][:HISTORY_LIMIT])


def last_disclosed_on(year, enterprise_ids=None, *, enterprises=None) -> dict[tuple[int, str], object]:
    """{(enterprise id, item): the latest date disclosed in year}, for the export (one query)."""
    qs = Disclosure.objects.filter(year=year)
    if enterprises is not None:
        qs = qs.filter(enterprise__in=enterprises.values("pk"))
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=enterprise_ids)
    return {(e, item): day for e, item, day in
            qs.order_by().values("enterprise_id", "item").annotate(last=Max("disclosed_on"))
            .values_list("enterprise_id", "item", "last")}
