"""Demo rows of the `venues` area of services (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
