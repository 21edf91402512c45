"""Metrics of members (see gonghui.reports.metrics)."""
