"""Models of the `stats` area (yearly targets); see models/__init__.py."""

__all__ = []
