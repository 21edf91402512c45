"""Services of the `activities` area."""
