"""Testing of the `rollups` area."""
