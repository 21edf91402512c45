"""Reads of the `appeals` area, scoped to the user."""


def overview_card(user):
    """The area's card on /voice/ (core.overview), or None."""
    return None


DUE_SOURCES = ()
