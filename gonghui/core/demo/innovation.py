"""Demo data for the innovation app (filled in by the module's demo writer)."""

MODELS = ()


def seed_innovation(gen):
    return {}
