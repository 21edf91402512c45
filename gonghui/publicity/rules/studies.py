"""Configurable figures of the `studies` area (DOMAIN.md §8), overridable with the
`PUBLICITY_STUDIES_RULES` setting (a dict with any of these keys).

- `kinds`: the kinds of study session, (code, label) pairs; a code once used should stay in the
  list (old sessions show the bare code otherwise);
- `lock_after_days`: attendance can be recorded from the session's start until this many calendar
  days after its date; then the sheet is locked (the yearly counts stop moving);
- `checkin_opens_minutes` / `checkin_closes_minutes`: the QR check-in window, from this many
  minutes before the start to this many minutes after the end;
- `late_after_minutes`: a QR check-in this many minutes after the start is recorded as late;
- `material_max_bytes`, `materials_per_session`: the size of one material and how many a session has;
- `soon_days`: the overview and dashboard call a session "coming up" this many days ahead.
"""

from dataclasses import dataclass, fields

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_KINDS = (
    ("THEORY", _("Theory study (理论学习)")),
    ("BUSINESS", _("Business training (业务培训)")),
    ("POLICY", _("Policy briefing (政策宣讲)")),
    ("PARTY", _("Party history and education (党史学习教育)")),
    ("OTHER", _("Other study")),
)

# The material kinds accepted, by content: core.uploads kinds plus Office files (checked here).
MATERIAL_KINDS = ("pdf", "docx", "pptx", "jpeg", "png")


@dataclass(frozen=True)
class Rules:
    kinds: tuple = DEFAULT_KINDS
    lock_after_days: int = 7
    checkin_opens_minutes: int = 30
    checkin_closes_minutes: int = 30
    late_after_minutes: int = 10
    material_max_bytes: int = 20 * 1024 * 1024
    materials_per_session: int = 20
    soon_days: int = 7


def rules() -> Rules:
    overrides = getattr(settings, "PUBLICITY_STUDIES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    if "kinds" in values:
        values["kinds"] = tuple(tuple(k) for k in values["kinds"])
    return Rules(**values)


def kind_choices():
    return list(rules().kinds)


def kind_label(code):
    return dict(rules().kinds).get(code, code)
