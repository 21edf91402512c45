"""Views of the `facilities` area of services."""
