"""Demo rows of the `stats` area of training (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
