"""Testing of the `mutualaid` area of welfare."""
