"""Testing of the `courses` area of training."""
