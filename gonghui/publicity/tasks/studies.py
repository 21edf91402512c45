"""Tasks of the `studies` area."""
