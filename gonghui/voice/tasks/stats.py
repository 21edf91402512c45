"""Tasks of the `stats` area."""
