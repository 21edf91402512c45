"""Demo rows of the `benefits` area of services (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
