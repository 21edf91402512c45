"""Demo rows of voice `surveys` (owned by its builder)."""

MODELS = ()


def seed(gen) -> dict:
    return {}
