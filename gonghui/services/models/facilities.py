"""Models of the `facilities` area of services."""

__all__: list[str] = []
