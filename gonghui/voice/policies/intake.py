"""Policies of the `intake` area."""
