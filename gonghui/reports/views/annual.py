"""Views of the `annual` area."""
