"""Demo rows of the `facilities` area of services (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
