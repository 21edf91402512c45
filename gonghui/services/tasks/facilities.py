"""Tasks of the `facilities` area of services."""
