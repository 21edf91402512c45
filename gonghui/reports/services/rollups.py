"""Services of the `rollups` area."""
