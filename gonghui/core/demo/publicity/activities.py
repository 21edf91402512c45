"""Demo rows of publicity `activities` (owned by its builder)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
