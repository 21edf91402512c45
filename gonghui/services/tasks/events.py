"""Tasks of the `events` area of services."""
