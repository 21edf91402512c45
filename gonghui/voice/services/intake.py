"""Services of the `intake` area."""
