"""Forms of the `auth` area."""
