"""Reads of this area; every read that takes a user is scoped."""

DUE_SOURCES = ()


def overview_card(user):
    """This area's card on the module overview (core.overview.Card), or None."""
    return None
