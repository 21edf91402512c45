"""Services of the `annual` area."""
