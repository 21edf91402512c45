"""Demo rows of voice `stats` (owned by its builder)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
