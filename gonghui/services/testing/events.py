"""Testing of the `events` area of services."""
