"""Forms of the `appeals` area."""
