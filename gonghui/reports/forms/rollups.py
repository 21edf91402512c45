"""Forms of the `rollups` area."""
