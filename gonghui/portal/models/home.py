"""Models of the `home` area."""

__all__ = []
