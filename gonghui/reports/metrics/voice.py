"""Metrics of voice (see gonghui.reports.metrics)."""
