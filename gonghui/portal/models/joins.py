"""Models of the `joins` area."""

__all__ = []
