"""Views of the `schools` area of training."""
