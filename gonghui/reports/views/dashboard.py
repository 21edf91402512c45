"""Views of the `dashboard` area."""
