"""Policies of the `appeals` area."""
