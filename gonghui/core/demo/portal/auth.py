"""Demo data of portal / auth."""

MODELS = ()


def seed(gen) -> dict:
    return {}
