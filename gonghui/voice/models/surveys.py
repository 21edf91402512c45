"""Models of the `surveys` area (owned by its builder)."""

__all__ = []
