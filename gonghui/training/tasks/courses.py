"""Tasks of the `courses` area of training."""
