"""Tasks of the `annual` area."""
