"""Tasks of the `schools` area of training."""
