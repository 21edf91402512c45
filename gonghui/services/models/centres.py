"""Models of the `centres` area of services."""

__all__: list[str] = []
