"""Views of the `stats` area of training."""
