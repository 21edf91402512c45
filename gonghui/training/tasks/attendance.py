"""Tasks of the `attendance` area of training."""
