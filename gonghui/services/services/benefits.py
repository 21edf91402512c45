"""Services of the `benefits` area of services."""
