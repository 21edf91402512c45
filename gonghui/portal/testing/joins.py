"""Testing of the `joins` area."""
