"""Policies of the `articles` area."""
