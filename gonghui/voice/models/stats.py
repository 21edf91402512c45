"""Models of the `stats` area (owned by its builder)."""

__all__ = []
