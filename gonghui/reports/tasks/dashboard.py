"""Tasks of the `dashboard` area."""
