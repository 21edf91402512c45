"""Services of the `studies` area."""
