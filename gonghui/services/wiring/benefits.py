ACTION_CODES = ()


def ready():
    """Registrations of this area: audit labels, due-soon sources, tasks."""
