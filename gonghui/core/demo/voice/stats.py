"""Demo rows of voice `stats`: none — the statistics read the appeals the appeals and intake
areas seed (and the surveys' responses); see docs/voice-stats.md."""

MODELS = ()


def seed(gen) -> dict:
    return {}
