"""Views of the `events` area of services."""
