"""Models of the `rollups` area."""

__all__ = []
