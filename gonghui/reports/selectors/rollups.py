"""Selectors of the `rollups` area."""
