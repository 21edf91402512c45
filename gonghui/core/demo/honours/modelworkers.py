"""Demo modelworkers (honours app)."""

MODELS: tuple = ()


def seed(gen) -> dict:
    return {}
