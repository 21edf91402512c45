"""Configurable figures of the `activities` area (theme activities, DOMAIN.md §8), overridable with
the `PUBLICITY_ACTIVITIES_RULES` setting (a dict with any of these keys).

The themes are a list of (code, label) pairs. The defaults are the district's two standing
theme-education campaigns:

- 中国梦·劳动美 ("Chinese dream · the beauty of labour"): the ACFTU's theme education of workers;
- 五进五送 — the union goes into enterprises, parks, communities, sites and homes (五进) and brings
  five things (五送): 送政策 (policy and law), 送温暖 (warmth: help to workers in difficulty),
  送文化 (culture: shows, libraries, films), 送健康 (health: check-ups, medical lectures) and
  送技能 (skills: training and contests). Each 送 is its own theme so the yearly report counts them
  apart; OTHER takes the rest.

A district that runs another campaign adds a pair (the code is stored on the records: never
remove a code that records use — an unknown code is shown as it is).
"""

from dataclasses import dataclass, fields

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_THEMES = (
    ("CHINA_DREAM", _("Chinese dream · beauty of labour (中国梦·劳动美)")),
    ("SEND_POLICY", _("Five into, five send: policy (送政策)")),
    ("SEND_WARMTH", _("Five into, five send: warmth (送温暖)")),
    ("SEND_CULTURE", _("Five into, five send: culture (送文化)")),
    ("SEND_HEALTH", _("Five into, five send: health (送健康)")),
    ("SEND_SKILLS", _("Five into, five send: skills (送技能)")),
    ("OTHER", _("Other theme activity")),
)


@dataclass(frozen=True)
class Rules:
    themes: tuple = DEFAULT_THEMES
    # Photos: JPG or PNG by content, at most this many bytes each and this many per activity.
    photo_max_bytes: int = 5 * 1024 * 1024
    photos_per_activity: int = 30
    # An activity has at most this many participants (person-times); more is a typing error.
    max_participants: int = 100_000
    # An activity is logged within this many days of being held (older ones were the last
    # year's report); 0 = no limit.
    log_within_days: int = 400


def rules() -> Rules:
    overrides = getattr(settings, "PUBLICITY_ACTIVITIES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    if "themes" in values:
        values["themes"] = tuple((str(code), label) for code, label in values["themes"])
    return Rules(**values)


def theme_choices():
    return [(code, label) for code, label in rules().themes]


def theme_label(code):
    return dict(rules().themes).get(code, code)
