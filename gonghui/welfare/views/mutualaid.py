"""Views of the `mutualaid` area of welfare."""
