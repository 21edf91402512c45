"""Registrations of the `joins` area: audit labels, due sources, member pages."""


def ready():
    pass
