"""Testing of the `surveys` area."""
