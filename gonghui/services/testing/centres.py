"""Testing of the `centres` area of services."""
