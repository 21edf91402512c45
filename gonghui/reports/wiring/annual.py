"""Registrations of the `annual` area: audit labels, due sources, member pages."""


def ready():
    pass
