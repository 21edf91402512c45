"""Local policy of the `rollups` area (settings.REPORTS_ROLLUPS_RULES overrides)."""
