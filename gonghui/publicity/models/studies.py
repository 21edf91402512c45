"""Models of the `studies` area (owned by its builder)."""

__all__ = []
