"""Tasks of the `stats` area of training."""
