"""Forms of the `facilities` area of services."""
