"""Forms of the `courses` area of training."""
