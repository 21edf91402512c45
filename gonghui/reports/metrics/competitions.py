"""Metrics of competitions (see gonghui.reports.metrics)."""
