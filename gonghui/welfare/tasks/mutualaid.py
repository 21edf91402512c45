"""Tasks of the `mutualaid` area of welfare."""
