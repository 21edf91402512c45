"""Demo rows of the `attendance` area of training (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
