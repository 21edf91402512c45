"""Metrics of grassroots (see gonghui.reports.metrics)."""
