"""Tasks of the `mentoring` area of training."""
