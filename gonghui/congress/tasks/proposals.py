"""Scheduled jobs for proposals."""
