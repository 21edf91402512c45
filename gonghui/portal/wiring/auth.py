"""Registrations of the `auth` area: audit labels, due sources, member pages."""


def ready():
    pass
