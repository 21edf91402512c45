"""Views of the `enrolment` area of training."""
