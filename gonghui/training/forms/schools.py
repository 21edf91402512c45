"""Forms of the `schools` area of training."""
