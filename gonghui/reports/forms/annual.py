"""Forms of the `annual` area."""
