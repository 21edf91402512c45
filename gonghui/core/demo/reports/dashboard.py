"""Demo data of reports / dashboard."""

MODELS = ()


def seed(gen) -> dict:
    return {}
