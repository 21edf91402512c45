"""Metrics of innovation (see gonghui.reports.metrics)."""
