"""The overview page of a module with several areas: one card per area with its headline
figures in the user's subtree, and the module's due-soon lines.

Each area's selectors module provides `overview_card(user) -> Card | None` (None when the user
may not see that area) built from one or two aggregate, scoped queries, and lists the due-soon
sources it registered with the dashboard in `DUE_SOURCES`.
"""

from dataclasses import dataclass, field


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


def cards_and_due(user, areas):
    """([Card], [DueSummary with something to show]) of the given selectors modules."""
    cards = [card for area in areas if (card := area.overview_card(user)) is not None]
    due = []
    for area in areas:
        for source in getattr(area, "DUE_SOURCES", ()):
            summary = source(user)
            if summary is not None and (summary.overdue or summary.soon):
                due.append(summary)
    return cards, due
