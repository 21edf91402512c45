"""Rules of the `activities` area."""
