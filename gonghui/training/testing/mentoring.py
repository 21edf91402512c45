"""Testing of the `mentoring` area of training."""
