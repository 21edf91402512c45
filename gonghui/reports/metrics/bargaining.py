"""Metrics of bargaining (see gonghui.reports.metrics)."""
