"""Testing of the `hardship` area of welfare."""
