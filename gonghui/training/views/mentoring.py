"""Views of the `mentoring` area of training."""
