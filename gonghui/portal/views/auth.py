"""Views of the `auth` area."""
