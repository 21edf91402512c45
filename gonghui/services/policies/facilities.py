"""Policies of the `facilities` area of services."""
