"""Policies of the `rollups` area."""
