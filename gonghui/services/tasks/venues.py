"""Tasks of the `venues` area of services."""
