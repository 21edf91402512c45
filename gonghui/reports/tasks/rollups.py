"""Tasks of the `rollups` area."""
