"""Selectors of the `joins` area."""
