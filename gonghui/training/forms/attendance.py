"""Forms of the `attendance` area of training."""
