"""Tasks of the `surveys` area."""
