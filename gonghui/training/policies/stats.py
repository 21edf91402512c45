"""Policies of the `stats` area of training."""
