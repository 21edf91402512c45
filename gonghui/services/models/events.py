"""Models of the `events` area of services."""

__all__: list[str] = []
