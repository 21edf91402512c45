"""Rules of the `articles` area."""
