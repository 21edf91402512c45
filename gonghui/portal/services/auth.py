"""Services of the `auth` area."""
