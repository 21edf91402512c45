"""Tasks of the `appeals` area."""
