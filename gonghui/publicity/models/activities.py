"""Models of the `activities` area (owned by its builder)."""

__all__ = []
