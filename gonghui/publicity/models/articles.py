"""Models of the `articles` area (owned by its builder)."""

__all__ = []
