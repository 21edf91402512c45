"""Demo rows of the `hardship` area of welfare (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
