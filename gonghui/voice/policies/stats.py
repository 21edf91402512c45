"""Policies of the `stats` area."""
