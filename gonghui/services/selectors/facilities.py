"""Selectors of the `facilities` area of services."""

# Due-soon sources this area registers with the dashboard (see core.overview). Each costs one
# query per dashboard view.
DUE_SOURCES = ()


def overview_card(user):
    """This area's card on the services overview (core.overview.Card), or None. Replace with the
    area's headline figures (one aggregate, scoped query)."""
    return None
