"""Services of the `articles` area."""
