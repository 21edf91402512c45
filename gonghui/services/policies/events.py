"""Policies of the `events` area of services."""
