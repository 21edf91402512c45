"""Metrics of services (see gonghui.reports.metrics)."""
