"""Local policy of the `annual` area (settings.REPORTS_ANNUAL_RULES overrides)."""
