"""Views of the `activities` area."""
