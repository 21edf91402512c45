"""Registrations of the `dashboard` area: audit labels, due sources, member pages."""


def ready():
    pass
