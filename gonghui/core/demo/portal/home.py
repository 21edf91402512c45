"""Demo data of portal / home."""

MODELS = ()


def seed(gen) -> dict:
    return {}
