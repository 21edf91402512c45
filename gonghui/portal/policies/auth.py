"""Policies of the `auth` area."""
