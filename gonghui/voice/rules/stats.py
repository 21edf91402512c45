"""Rules of the `stats` area."""
