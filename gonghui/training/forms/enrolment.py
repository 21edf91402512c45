"""Forms of the `enrolment` area of training."""
