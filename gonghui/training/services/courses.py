"""Services of the `courses` area of training."""
