"""Welfare and assistance at district scale (seed_demo: hardship files with their households,
incomes and costs, help records, medical mutual-aid plans, enrolments, coverage and claims, seasonal
campaigns with budgets, applications, payments and goods) through Django's test Client, signed in:
each area's list page and the list endpoints of the API, as the district user and a town user.

Reference, measured in the same process: GET /healthz, as in bench/competitions.py.
"""

from . import congress
from .competitions import dataset_counts
from .pages import PAGE_TARGET_MS

GROUP = "welfare"
APP = "welfare"
MODELS = ("HardshipFile", "HelpRecord", "MutualAidPlan", "MutualAidEnrolment", "MutualAidCoverage",
          "MutualAidClaim", "ClaimPayout", "Campaign", "CampaignApplication", "CampaignPayment", "GoodsDistribution")

PAGES = [
    ("hardship files list page, first page", "welfare:file_list", "", PAGE_TARGET_MS),
    ("mutual aid enrolments list page, first page", "welfare:enrolment_list", "", PAGE_TARGET_MS),
    ("mutual aid claims list page, first page", "welfare:claim_list", "", PAGE_TARGET_MS),
    ("campaigns list page", "welfare:campaign_list", "", PAGE_TARGET_MS),
    ("campaign applications list page, first page", "welfare:application_list", "", PAGE_TARGET_MS),
    ("campaign payments ledger, first page", "welfare:payment_list", "", PAGE_TARGET_MS),
    ("welfare overview page", "welfare:overview", "", PAGE_TARGET_MS),
]
ENDPOINTS = [
    ("hardship files API", "/api/v1/hardship-files"),
    ("mutual aid claims API", "/api/v1/mutual-aid-claims"),
    ("campaigns API", "/api/v1/campaigns"),
    ("campaign applications API", "/api/v1/campaign-applications"),
    ("campaign payments API", "/api/v1/campaign-payments"),
]


def run(engine, *, quick=False):
    counts = dataset_counts(APP, MODELS)
    dataset = ", ".join(f"{n:,} {name}" for name, n in counts.items()) + " in the dataset"
    return congress.run_lists(
        engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick, dataset=dataset,
        empty="the dataset has no welfare records" if not any(counts.values()) else "")
