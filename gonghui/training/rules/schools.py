"""Configurable figures of the `schools` area (DOMAIN.md §6), overridable with the
`TRAINING_SCHOOLS_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # Seats of a school's largest room: the most a school may declare.
    max_capacity: int = 2000
    # Specialities per teacher, and the length of one.
    max_specialities: int = 12
    speciality_length: int = 30
    # A teacher of kind MODEL_WORKER must be on the honours model-worker roll (劳模名册).
    model_worker_on_roll: bool = True
    # Sessions listed on a teacher's page (newest first).
    teacher_sessions_shown: int = 50


def rules() -> Rules:
    overrides = getattr(settings, "TRAINING_SCHOOLS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
