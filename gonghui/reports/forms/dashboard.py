"""Forms of the `dashboard` area."""
