"""Local policy of the `joins` area (settings.PORTAL_JOINS_RULES overrides)."""
