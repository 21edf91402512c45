"""Policies of the `surveys` area."""
