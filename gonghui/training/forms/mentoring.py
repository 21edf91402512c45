"""Forms of the `mentoring` area of training."""
