"""Demo rows of the `mutualaid` area of welfare (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
