"""Registrations for this area (audit action labels, due-soon sources, calendar hooks)."""


def ready():
    pass
