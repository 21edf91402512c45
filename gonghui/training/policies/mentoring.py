"""Policies of the `mentoring` area of training."""
