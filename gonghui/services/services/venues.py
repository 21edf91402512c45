"""Services of the `venues` area of services."""
