"""Local policy of the `dashboard` area (settings.REPORTS_DASHBOARD_RULES overrides)."""
