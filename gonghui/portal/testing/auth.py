"""Testing of the `auth` area."""
