"""Services of the `facilities` area of services."""
