"""Tasks of the `enrolment` area of training."""
