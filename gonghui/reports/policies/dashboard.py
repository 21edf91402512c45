"""Policies of the `dashboard` area."""
