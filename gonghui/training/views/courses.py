"""Views of the `courses` area of training."""
