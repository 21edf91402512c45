"""Testing of the `home` area."""
