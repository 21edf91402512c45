"""Models of the `dashboard` area."""

__all__ = []
