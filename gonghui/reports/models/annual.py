"""Models of the `annual` area."""

__all__ = []
