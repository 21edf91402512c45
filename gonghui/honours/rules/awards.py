"""The figures of the awards (DOMAIN.md §5) as defaults a deployment may override with the
`HONOURS_AWARDS_RULES` setting (a dict with any of these keys), and the built-in award types a
fresh install starts from (`DEFAULT_TYPES`, created by `services.awards.ensure_award_types`)."""

from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Rules:
    notice_working_days: int = 5       # 公示 lasts at least 5 working days (Chinese calendar)
    accident_years: int = 3            # 工人先锋号: no serious safety accident in the last 3 years
    congress_years: int = 2            # 工人先锋号: a congress session held this year or last year
    review_working_days: int = 10      # a waiting review is overdue after 10 working days

    def __post_init__(self):
        # DOMAIN.md §5: a 公示 lasts at least 5 working days; a shorter one would also break the
        # notice-dates constraint of a nomination (the end before the start) with a 500.
        if not isinstance(self.notice_working_days, int) or not 5 <= self.notice_working_days <= 60:
            raise ImproperlyConfigured("HONOURS_AWARDS_RULES['notice_working_days'] must be a whole number 5–60.")


# (kind, Chinese name, holder kind, level)
DEFAULT_TYPES = (
    ("GOLD_GEAR", "金齿轮奖", "PERSON", "DISTRICT"),
    ("SILVER_GEAR", "银齿轮奖", "PERSON", "DISTRICT"),
    ("PIONEER_TEAM", "工人先锋号", "TEAM", "DISTRICT"),
    ("INNOVATION", "优秀成果创新奖", "PERSON", "DISTRICT"),
    ("NAMED_METHOD", "职工名字命名先进操作法", "PERSON", "DISTRICT"),
    ("MODEL_WORKER", "区劳动模范", "PERSON", "DISTRICT"),
)


def rules() -> Rules:
    overrides = getattr(settings, "HONOURS_AWARDS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
