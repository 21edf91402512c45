"""Policies of the `attendance` area of training."""
