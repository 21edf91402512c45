"""Services of the `mentoring` area of training."""
