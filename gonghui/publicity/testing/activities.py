"""Testing of the `activities` area."""
