"""Services of the `centres` area of services."""
