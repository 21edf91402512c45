"""Views of the `articles` area."""
