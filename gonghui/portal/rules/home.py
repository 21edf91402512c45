"""Configurable figures of the `home` area (the member portal's home, my membership, my offers,
messages), overridable with the `PORTAL_HOME_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # How many of each the home page shows before its "more" link.
    news_on_home: int = 3
    notifications_on_home: int = 3
    due_on_home: int = 6
    # Offers and open campaigns listed on "my benefits and offers" (the e-card page lists them all).
    offers_listed: int = 30
    # Notifications per page on the portal's messages page.
    messages_page_size: int = 20


def rules() -> Rules:
    overrides = dict(getattr(settings, "PORTAL_HOME_RULES", {}) or {})
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
