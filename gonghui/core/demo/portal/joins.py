"""Demo data of portal / joins."""

MODELS = ()


def seed(gen) -> dict:
    return {}
