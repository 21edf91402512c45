"""Policies of the `campaigns` area of welfare."""
