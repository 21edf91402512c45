"""Services of the `events` area of services."""
