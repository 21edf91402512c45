"""Selectors of the `dashboard` area."""
