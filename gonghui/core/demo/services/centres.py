"""Demo rows of the `centres` area of services (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
