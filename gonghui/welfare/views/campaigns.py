"""Views of the `campaigns` area of welfare."""
