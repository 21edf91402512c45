"""Configurable figures of the `articles` area (DOMAIN.md §8), overridable with the
`PUBLICITY_ARTICLES_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # Images: at most this many bytes each, and this many per article.
    image_max_bytes: int = 5 * 1024 * 1024
    images_per_article: int = 30
    # The body's HTML: at most this many characters after sanitising.
    body_max_chars: int = 100_000
    # Scheduling: publish_at at most this many days ahead.
    schedule_max_days: int = 366
    # The member's news list: at most this many pinned articles on top.
    pinned_on_top: int = 5


def rules() -> Rules:
    overrides = getattr(settings, "PUBLICITY_ARTICLES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
