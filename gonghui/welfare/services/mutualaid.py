"""Services of the `mutualaid` area of welfare."""
