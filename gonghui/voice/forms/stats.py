"""Forms of the `stats` area."""
