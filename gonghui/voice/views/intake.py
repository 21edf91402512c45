"""Views of the `intake` area."""
