"""Views of the `benefits` area of services."""
