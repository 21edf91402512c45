"""Forms of the `home` area."""
