"""Metrics of training (see gonghui.reports.metrics)."""
