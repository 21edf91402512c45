"""The overview page of a module with several areas: one card per area with its headline
figures in the user's subtree, and the module's due-soon lines.

Each area's selectors module provides `overview_card(user) -> Card | None` (None when the user
may not see that area) built from one or two aggregate, scoped queries, and lists the due-soon
sources it registered with the dashboard in `DUE_SOURCES`.

At district scale a module's areas add up to 9–19 aggregate queries (50–80 ms of SQL), so the
overview pages take `overview(user, areas)`: the cards and due lines kept for
`settings.FIGURES_CACHE_SECONDS` (0 = counted on every request, as in the tests) per user under
`user_figures_key` (sign-in, role assignments, language, org-tree version and day), as the
grassroots overview does; the page says when they were counted and offers to count again. The
lists behind each figure are never cached.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class Row:
    label: str
    value: object
    url: str = ""
    alert: bool = False  # shown in red: something overdue or blocked


@dataclass(frozen=True)
class Card:
    title: str
    url: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""


@dataclass
class Overview:
    """A module overview's cards and due lines, and when they were counted."""

    cards: list[Card]
    due: list  # [DueSummary] with something overdue or due soon
    counted_at: datetime.datetime | None = None
    cached: bool = False  # kept for FIGURES_CACHE_SECONDS: the page says when it was counted


def cards_and_due(user, areas):
    """([Card], [DueSummary with something to show]) of the given selectors modules, counted now."""
    cards = [card for area in areas if (card := area.overview_card(user)) is not None]
    due = []
    for area in areas:
        for source in getattr(area, "DUE_SOURCES", ()):
            summary = source(user)
            if summary is not None and (summary.overdue or summary.soon):
                due.append(summary)
    return cards, due


def overview(user, areas, *, refresh=False) -> Overview:
    """`cards_and_due(user, areas)`, from the cache when counted lately (see the module);
    `refresh=True` counts again and replaces the cached entry."""
    from gonghui.members.figures import kept_figures

    def count():
        cards, due = cards_and_due(user, areas)
        return Overview(cards=cards, due=due, counted_at=timezone.now())

    return kept_figures(lambda: _cache_key(user, areas), count, refresh=refresh)


def _cache_key(user, areas):
    from gonghui.members.figures import user_figures_key

    # The areas' module names go into the hashed part: spelled out in the namespace they would
    # make keys longer than the 250 characters memcached allows (Django warns about those).
    return user_figures_key("overview", user, *(area.__name__ for area in areas))
