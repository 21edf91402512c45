"""Demo rows of the `mentoring` area of training (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
