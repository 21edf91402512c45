"""Tasks of the `intake` area."""
