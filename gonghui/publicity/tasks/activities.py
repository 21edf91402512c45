"""Tasks of the `activities` area."""
