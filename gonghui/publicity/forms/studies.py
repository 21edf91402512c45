"""Forms of the `studies` area."""
