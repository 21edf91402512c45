"""Testing of the `annual` area."""
