"""Rules of the `intake` area."""
