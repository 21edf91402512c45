"""Demo rows of the `campaigns` area of welfare (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
