"""Policies of the `studies` area."""
