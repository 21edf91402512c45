"""Selectors of the `auth` area."""
