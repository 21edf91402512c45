"""Policies of the `benefits` area of services."""
