"""Configurable figures of the `campaigns` area (DOMAIN.md §7), overridable with the
`WELFARE_CAMPAIGNS_RULES` setting (a dict with any of these keys), e.g.
`WELFARE_CAMPAIGNS_RULES = {"school_amounts": {"HIGH_SCHOOL": "3500", ...}}`."""

from dataclasses import dataclass, field, fields

from django.conf import settings


def _school_amounts():
    # 金秋助学 defaults (yuan per child per year), copied onto a new 金秋助学 campaign; each
    # campaign keeps its own table, editable on the campaign.
    return {"HIGH_SCHOOL": "3000", "COLLEGE": "4000", "UNDERGRADUATE": "5000", "POSTGRADUATE": "5000"}


@dataclass(frozen=True)
class Rules:
    school_amounts: dict = field(default_factory=_school_amounts)
    number_prefix: str = "JZ"          # application numbers: JZ2026-0001
    max_amount: str = "100000"         # the largest sum one application may carry (typing errors)
    home_province: str = "浙江省"       # "hometown outside the province" means outside this one


def rules() -> Rules:
    overrides = getattr(settings, "WELFARE_CAMPAIGNS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
