"""Views of the `venues` area of services."""
