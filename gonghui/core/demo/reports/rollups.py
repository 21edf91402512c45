"""Demo data of reports / rollups."""

MODELS = ()


def seed(gen) -> dict:
    return {}
