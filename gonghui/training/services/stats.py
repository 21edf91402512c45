"""Services of the `stats` area of training."""
