"""Forms of the `benefits` area of services."""
