"""Services of the `attendance` area of training."""
