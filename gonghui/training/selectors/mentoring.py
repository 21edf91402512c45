"""Selectors of the `mentoring` area of training."""

# Due-soon sources this area registers with the dashboard (see core.overview).
DUE_SOURCES = ()


def overview_card(user):
    """This area's card on the training overview (core.overview.Card), or None. Replace with the
    area's headline figures (one aggregate, scoped query)."""
    return None
