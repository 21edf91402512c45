"""Tasks of the `home` area."""
