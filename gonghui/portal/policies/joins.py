"""Policies of the `joins` area."""
