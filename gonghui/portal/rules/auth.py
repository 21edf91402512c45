"""Local policy of the `auth` area (settings.PORTAL_AUTH_RULES overrides)."""
