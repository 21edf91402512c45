"""Views of the `home` area."""
