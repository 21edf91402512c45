"""Forms of the `campaigns` area of welfare."""
