"""Views of the `rollups` area."""
