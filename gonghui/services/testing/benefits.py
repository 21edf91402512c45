"""Testing of the `benefits` area of services."""
