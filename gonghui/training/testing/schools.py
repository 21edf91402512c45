"""Testing of the `schools` area of training."""
