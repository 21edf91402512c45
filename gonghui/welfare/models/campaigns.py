"""Models of the `campaigns` area of welfare."""

__all__: list[str] = []
