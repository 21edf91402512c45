"""Rules of portal, one module per area: auth, joins, home."""
