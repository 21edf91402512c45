"""Demo rows of the `schools` area of training (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
