"""Tasks of the `joins` area."""
