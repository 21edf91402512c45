"""Metrics of congress (see gonghui.reports.metrics)."""
