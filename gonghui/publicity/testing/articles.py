"""Testing of the `articles` area."""
