"""Selectors of workers' voice, one module per area:
appeals, intake, surveys, stats."""
