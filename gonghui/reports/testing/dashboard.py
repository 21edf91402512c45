"""Testing of the `dashboard` area."""
