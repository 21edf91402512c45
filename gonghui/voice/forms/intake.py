"""Forms of the `intake` area."""
