"""Policies of the `venues` area of services."""
