"""Forms of the `hardship` area of welfare."""
