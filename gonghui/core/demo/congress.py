"""Demo data for the congress app (filled in by the module's demo writer)."""

MODELS = ()


def seed_congress(gen):
    return {}
