"""Pagination for huge tables: keyset ("after id N") instead of OFFSET, and capped counts.

Counting a filtered search over 600,000 rows costs ~180 ms on PostgreSQL, so lists show
"1,000+" once the cap is reached instead of an exact COUNT(*).
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass
class KeysetPage:
    items: list
    next_after: int | None
    has_previous: bool
    count: int
    count_capped: bool

    @property
    def count_label(self):
        return f"{self.count:,}+" if self.count_capped else f"{self.count:,}"


def capped_count(queryset, cap=None):
    """(count, capped): counts at most cap+1 primary keys, never the whole table."""
    cap = cap or settings.LIST_COUNT_CAP
    n = len(queryset.order_by().values_list("pk", flat=True)[: cap + 1])
    return (cap, True) if n > cap else (n, False)


def keyset_page(queryset, *, after=None, size=None, cap=None, descending=True, load=None):
    """One page ordered by pk (newest first by default), starting after the given pk.

    The capped count fetches up to cap+1 matching keys anyway (through whatever index suits the
    filter, e.g. the name index of a name search). When those are all of the matches, the page
    is cut from them. Otherwise the page's keys are found first, without the joins the rows
    need for display, and only those rows are then loaded: the planner cannot misjudge a broad
    term into joining thousands of people just to sort them by id (a surname among 600,000
    members took ~100 ms that way on PostgreSQL, ~10 ms now).

    `load`, when given, is the queryset the page's rows are read from by primary key (with its
    select_related/prefetch): for a filter that is costly to evaluate (a scope through several
    tables), the keys it already chose need not pass it a third time. Default: `queryset`."""
    size = size or settings.LIST_PAGE_SIZE
    cap = cap or settings.LIST_COUNT_CAP
    order = "-pk" if descending else "pk"
    keys = list(queryset.order_by().values_list("pk", flat=True)[: cap + 1])
    capped = len(keys) > cap
    count = cap if capped else len(keys)
    if capped:  # walk the primary key from `after` until the page is full
        page_keys = queryset.order_by(order)
        if after:
            page_keys = page_keys.filter(**{"pk__lt" if descending else "pk__gt": after})
        keys = list(page_keys.values_list("pk", flat=True)[: size + 1])
    else:  # every match is in hand: cut the page from them
        if after:
            keys = [key for key in keys if (key < after if descending else key > after)]
        keys = sorted(keys, reverse=descending)[: size + 1]
    has_more = len(keys) > size
    keys = keys[:size]
    source = queryset if load is None else load
    rows = list(source.filter(pk__in=keys).order_by(order)) if keys else []
    return KeysetPage(items=rows, next_after=rows[-1].pk if has_more and rows else None,
                      has_previous=bool(after), count=count, count_capped=capped)


def parse_after(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None
