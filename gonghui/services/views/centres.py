"""Views of the `centres` area of services."""
