"""Services of the `schools` area of training."""
