"""Forms of the `stats` area of training."""
