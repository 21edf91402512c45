"""Testing of the `enrolment` area of training."""
