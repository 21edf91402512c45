"""Models of the `intake` area (owned by its builder)."""

__all__ = []
