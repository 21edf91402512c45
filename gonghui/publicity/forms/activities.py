"""Forms of the `activities` area."""
