"""Testing of the `stats` area."""
