"""Views of the `stats` area."""
