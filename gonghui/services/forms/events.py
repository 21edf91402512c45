"""Forms of the `events` area of services."""
