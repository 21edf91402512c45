"""Metrics of welfare (see gonghui.reports.metrics)."""
