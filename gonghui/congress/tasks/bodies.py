"""Scheduled jobs for congress terms and sessions."""
