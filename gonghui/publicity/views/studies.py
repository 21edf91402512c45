"""Views of the `studies` area."""
