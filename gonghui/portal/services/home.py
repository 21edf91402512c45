"""Services of the `home` area."""
