"""Selectors of the `home` area."""
