"""Selectors of the `annual` area."""
