"""Services of the `surveys` area."""
