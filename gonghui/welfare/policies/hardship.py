"""Policies of the `hardship` area of welfare."""
