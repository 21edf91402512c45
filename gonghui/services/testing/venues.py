"""Testing of the `venues` area of services."""
