"""Metrics of honours (see gonghui.reports.metrics)."""
