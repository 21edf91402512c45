"""Tasks of the `articles` area."""
