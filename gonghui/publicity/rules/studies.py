"""Rules of the `studies` area."""
