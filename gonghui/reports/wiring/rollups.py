"""Registrations of the `rollups` area: audit labels, due sources, member pages."""


def ready():
    pass
