"""Testing of the `intake` area."""
