"""Registrations of the `home` area: audit labels, due sources, member pages."""


def ready():
    pass
