"""Views of the `joins` area."""
