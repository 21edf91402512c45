"""Demo rows of publicity `studies` (owned by its builder)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
