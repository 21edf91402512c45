"""Views of the `hardship` area of welfare."""
