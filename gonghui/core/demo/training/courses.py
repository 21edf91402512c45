"""Demo rows of the `courses` area of training (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
