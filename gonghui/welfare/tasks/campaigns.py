"""Tasks of the `campaigns` area of welfare."""
