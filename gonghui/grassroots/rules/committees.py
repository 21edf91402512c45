"""The figures of committee terms and their expiry alerts (DOMAIN.md §4) as defaults a deployment
may override with the `GRASSROOTS_COMMITTEES_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    term_years: tuple = (3, 5)            # 3 or 5 years (a deployment may narrow it; the DB allows 3 and 5)
    expiring_months: int = 6              # "expires soon": within 6 months of the term's end
    reminder_months: tuple = (6, 3, 1)    # reminders this many months before the end, and once expired
    remind_expired: bool = True           # and one more reminder once the term has expired
    max_members: int = 45                 # the largest committee of the legal table (>50000 members)


def rules() -> Rules:
    overrides = getattr(settings, "GRASSROOTS_COMMITTEES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in overrides.items() if k in known})
