"""The figures of committee terms and their expiry alerts (DOMAIN.md §4) as defaults a deployment
may override with the `GRASSROOTS_COMMITTEES_RULES` setting (a dict with any of these keys).

A misconfigured setting is refused when it is first read (ImproperlyConfigured), not when a
chair saves a committee: the database allows only 3- and 5-year terms, so a term of 4 would
otherwise surface as an error on the form.
"""

from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "GRASSROOTS_COMMITTEES_RULES"


@dataclass(frozen=True)
class Rules:
    term_years: tuple = (3, 5)            # 3 or 5 years (a deployment may narrow it; the DB allows 3 and 5)
    expiring_months: int = 6              # "expires soon": within 6 months of the term's end
    reminder_months: tuple = (6, 3, 1)    # reminders this many months before the end, and once expired
    remind_expired: bool = True           # and one more reminder once the term has expired
    max_members: int = 45                 # the largest committee of the legal table (>50000 members)


def _whole(value, low):
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def rules() -> Rules:
    overrides = getattr(settings, SETTING, {}) or {}
    known = {f.name for f in fields(Rules)}
    unknown = set(overrides) - known
    if unknown:
        raise ImproperlyConfigured(f"{SETTING}: unknown keys {sorted(unknown)}.")
    values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in overrides.items()}
    terms = values.get("term_years", Rules.term_years)
    if not isinstance(terms, tuple) or not terms or not set(terms) <= {3, 5}:
        raise ImproperlyConfigured(f"{SETTING}['term_years'] must list 3, 5 or both.")
    months = values.get("reminder_months", Rules.reminder_months)
    if not isinstance(months, tuple) or not all(_whole(m, 1) for m in months):
        raise ImproperlyConfigured(f"{SETTING}['reminder_months'] must list whole numbers of months (≥1).")
    for key, low in (("expiring_months", 1), ("max_members", 1)):
        if key in values and not _whole(values[key], low):
            raise ImproperlyConfigured(f"{SETTING}[{key!r}] must be a whole number (≥{low}).")
    if "remind_expired" in values and not isinstance(values["remind_expired"], bool):
        raise ImproperlyConfigured(f"{SETTING}['remind_expired'] must be True or False.")
    return Rules(**values)
