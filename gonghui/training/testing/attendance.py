"""Testing of the `attendance` area of training."""
