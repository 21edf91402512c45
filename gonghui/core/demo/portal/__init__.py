"""Demo portal on top of the generated district; one module per area. Each area module has
`MODELS` (the tables it writes, parents first) and `seed(gen) -> dict`; areas run in order."""

from . import auth, home, joins

AREAS = (auth, joins, home,)


def all_models():
    return tuple(model for area in AREAS for model in area.MODELS)


def seed_all(gen) -> dict:
    return {area.__name__.rsplit(".", 1)[-1]: area.seed(gen) for area in AREAS}


def wipe():
    """Delete every demo row of this module: areas in reverse order, each area's children first."""
    for area in reversed(AREAS):
        for model in reversed(area.MODELS):
            model.objects.all().delete()
