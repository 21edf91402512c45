"""Configurable figures of the `surveys` area (DOMAIN.md §8), overridable with the
`VOICE_SURVEYS_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # Age bands of the breakdown: lower bounds in years (the last band is open-ended).
    age_band_starts: tuple = (16, 25, 35, 45, 55)
    # Anonymous results hide a breakdown group with fewer responses than this.
    min_group: int = 5
    # Limits of the builder.
    max_questions: int = 50
    max_options: int = 20
    # The scales a SCALE question may use (1..N).
    scales: tuple = (5, 10)
    # Text answers per page on the results page.
    text_page_size: int = 20
    # "Closing soon" on the overview: an open survey closing within this many days.
    closing_soon_days: int = 3


def rules() -> Rules:
    overrides = getattr(settings, "VOICE_SURVEYS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    for k in ("age_band_starts", "scales"):
        if k in values:
            values[k] = tuple(values[k])
    return Rules(**values)


def age_band(age: int, r: Rules | None = None) -> str:
    """The band label of an age, e.g. "25-34", "55+" ("" below the first band)."""
    starts = (r or rules()).age_band_starts
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else None
        if age >= start and (end is None or age <= end):
            return f"{start}-{end}" if end is not None else f"{start}+"
    return ""


def age_bands(r: Rules | None = None) -> list[str]:
    starts = (r or rules()).age_band_starts
    return [f"{s}-{starts[i + 1] - 1}" if i + 1 < len(starts) else f"{s}+" for i, s in enumerate(starts)]
