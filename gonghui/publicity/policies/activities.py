"""Policies of the `activities` area."""
