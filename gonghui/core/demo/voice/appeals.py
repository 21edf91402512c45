"""Demo rows of voice `appeals` (owned by its builder)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
