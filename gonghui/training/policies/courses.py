"""Policies of the `courses` area of training."""
