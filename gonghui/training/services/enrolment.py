"""Services of the `enrolment` area of training."""
