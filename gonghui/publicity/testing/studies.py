"""Testing of the `studies` area."""
