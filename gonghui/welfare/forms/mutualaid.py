"""Forms of the `mutualaid` area of welfare."""
