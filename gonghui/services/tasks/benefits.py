"""Tasks of the `benefits` area of services."""
