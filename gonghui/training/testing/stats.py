"""Testing of the `stats` area of training."""
