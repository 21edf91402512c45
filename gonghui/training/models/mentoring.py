"""Models of the `mentoring` area (名师带徒 pairs, progress reports, final assessment); see models/__init__.py."""

__all__ = []
