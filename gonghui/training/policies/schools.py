"""Policies of the `schools` area of training."""
