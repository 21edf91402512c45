"""Services of the `stats` area."""
