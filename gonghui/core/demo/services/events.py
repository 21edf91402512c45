"""Demo rows of the `events` area of services (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
