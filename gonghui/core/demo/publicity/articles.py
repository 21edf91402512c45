"""Demo rows of publicity `articles` (owned by its builder)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
