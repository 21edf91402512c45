"""Policies of the `enrolment` area of training."""
