"""Models of the `mutualaid` area of welfare."""

__all__: list[str] = []
