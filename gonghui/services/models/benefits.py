"""Models of the `benefits` area of services."""

__all__: list[str] = []
