"""Services of the `joins` area."""
