"""Testing of the `campaigns` area of welfare."""
