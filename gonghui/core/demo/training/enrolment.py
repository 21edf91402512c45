"""Demo rows of the `enrolment` area of training (see __init__.py)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
