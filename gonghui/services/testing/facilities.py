"""Testing of the `facilities` area of services."""
