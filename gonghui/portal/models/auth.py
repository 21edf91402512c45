"""Models of the `auth` area."""

__all__ = []
