"""Policies of the `centres` area of services."""
