"""Policies of the `annual` area."""
