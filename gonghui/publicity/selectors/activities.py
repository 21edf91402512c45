"""Reads of the `activities` area, scoped to the user."""


def overview_card(user):
    """The area's card on /publicity/ (core.overview), or None."""
    return None


DUE_SOURCES = ()
