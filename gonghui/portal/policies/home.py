"""Policies of the `home` area."""
