"""Rules of the `surveys` area."""
