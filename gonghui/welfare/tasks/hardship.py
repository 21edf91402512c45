"""Tasks of the `hardship` area of welfare."""
