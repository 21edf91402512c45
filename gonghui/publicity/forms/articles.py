"""Forms of the `articles` area."""
