"""Views of the `surveys` area."""
