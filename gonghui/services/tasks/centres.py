"""Tasks of the `centres` area of services."""
