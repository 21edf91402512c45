"""Services of the `dashboard` area."""
