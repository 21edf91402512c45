"""Honours at district scale (seed_demo: nominations and honour records, the model-worker
registry, skill leaders and their monthly allowance ledger, skill training reward claims) through
Django's test Client, signed in: each area's list page and the list endpoints of the API, as the
district user and a town user.

Reference, measured in the same process: GET /healthz, as in bench/competitions.py.
"""

from . import congress
from .competitions import dataset_counts
from .pages import PAGE_TARGET_MS

GROUP = "honours"
APP = "honours"
MODELS = ("HonourNomination", "HonourRecord", "ModelWorker", "SkillLeader", "LeaderAllowance", "SkillRewardClaim")

PAGES = [
    ("nominations list page, first page", "honours:nomination_list", "", PAGE_TARGET_MS),
    ("honour records list page, first page", "honours:record_list", "", PAGE_TARGET_MS),
    ("model workers list page, first page", "honours:modelworker_list", "", PAGE_TARGET_MS),
    ("skill leaders list page, first page", "honours:leader_list", "", PAGE_TARGET_MS),
    ("allowance ledger page, first page", "honours:allowance_list", "", PAGE_TARGET_MS),
    ("skill training reward claims, first page", "honours:reward_list", "", PAGE_TARGET_MS),
    ("honours overview page", "honours:overview", "", PAGE_TARGET_MS),
]
ENDPOINTS = [
    ("honours (nominations) API", "/api/v1/honours"),
    ("honour records API", "/api/v1/honour-records"),
    ("model workers API", "/api/v1/model-workers"),
    ("skill leaders API", "/api/v1/skill-leaders"),
    ("allowances API", "/api/v1/allowances"),
    ("skill rewards API", "/api/v1/skill-rewards"),
]


def run(engine, *, quick=False):
    counts = dataset_counts(APP, MODELS)
    dataset = ", ".join(f"{n:,} {name}" for name, n in counts.items()) + " in the dataset"
    return congress.run_lists(
        engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick, dataset=dataset,
        empty="the dataset has no honours records" if not any(counts.values()) else "")
