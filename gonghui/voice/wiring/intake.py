"""Registrations of the `intake` area."""


def ready():
    """Audit labels, due-soon sources, member pages, tasks of this area."""
