"""Local policy of the `home` area (settings.PORTAL_HOME_RULES overrides)."""
