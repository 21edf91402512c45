"""Forms of the `venues` area of services."""
