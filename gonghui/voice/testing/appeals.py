"""Testing of the `appeals` area."""
