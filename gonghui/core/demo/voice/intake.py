"""Demo rows of voice `intake` (owned by its builder)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
