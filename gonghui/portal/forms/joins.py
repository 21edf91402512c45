"""Forms of the `joins` area."""
