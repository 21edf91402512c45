"""Demo labour (competitions app)."""

MODELS: tuple = ()


def seed(gen) -> dict:
    return {}
