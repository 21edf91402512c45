"""Forms of the `centres` area of services."""
