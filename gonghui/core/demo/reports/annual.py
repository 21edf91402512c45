"""Demo data of reports / annual."""

MODELS = ()


def seed(gen) -> dict:
    return {}
