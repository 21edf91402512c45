"""Views of the `attendance` area of training."""
