"""Tasks of the `auth` area."""
