"""Tasks of reports, one module per area: rollups, dashboard, annual."""
