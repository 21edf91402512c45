"""Deadlines on the Chinese working-day calendar (statutory holidays and make-up working days).

`chinese-calendar` carries the State Council's arrangements up to the year it was released for;
`WorkdayOverride` rows (edited in the admin) always win and supply later years. For a year with
neither, working days are estimated as Monday–Friday — but never silently: `is_provisional`
tells the page to mark such a date as an estimate, and the dashboard warns while the current or
next year has no data (`missing_years`).

Every statutory deadline is computed here:
- `add_days(start, n)`: "within n days" — calendar days;
- `add_working_days(start, n)`: the n-th working day after `start` (negative n counts back,
  for "5 working days before the first meeting").
"""

import datetime

from chinese_calendar import constants as _calendar_data
from django.core.cache import cache

CACHE_KEY = "core.workdays.overrides.v1"
CACHE_SECONDS = 3600
# Beyond this many steps the caller is asking for something that is not a statutory deadline.
MAX_STEP = 3660

LIBRARY_HOLIDAYS = frozenset(_calendar_data.holidays)
LIBRARY_WORKDAYS = frozenset(_calendar_data.workdays)
LIBRARY_YEARS = frozenset(
    day.year for day in (*_calendar_data.holidays, *_calendar_data.workdays)
)


def _overrides() -> dict[datetime.date, bool]:
    data = cache.get(CACHE_KEY)
    if data is None:
        from .models import WorkdayOverride

        data = dict(WorkdayOverride.objects.values_list("day", "is_working_day"))
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data


def forget_overrides():
    """Call after the override table changes (the admin does)."""
    cache.delete(CACHE_KEY)


# Apps that store deadlines computed here register a callback (in AppConfig.ready) to recompute
# them when the calendar changes: core cannot import them.
_CHANGE_LISTENERS = []


def on_calendar_change(listener):
    _CHANGE_LISTENERS.append(listener)


def calendar_changed():
    """The override table changed and committed: drop the cached table, then tell the apps."""
    forget_overrides()
    for listener in _CHANGE_LISTENERS:
        listener()


def override_years() -> set[int]:
    return {day.year for day in _overrides()}


def year_is_known(year: int) -> bool:
    return year in LIBRARY_YEARS or year in override_years()


def missing_years(today: datetime.date) -> list[int]:
    """This year and next, where neither the library nor the override table has the holidays."""
    return [year for year in (today.year, today.year + 1) if not year_is_known(year)]


def is_working_day(day: datetime.date) -> bool:
    return _is_working_day(day, _overrides())


def _is_working_day(day: datetime.date, overrides: dict[datetime.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    # The library's own rule (a make-up working day, else Monday–Friday unless a holiday) on
    # frozen sets: `chinese_calendar.is_workday` re-validates its whole table on every call,
    # which was half of the demo seed's time. For years it does not know, the same Monday–Friday
    # rule is the estimate that callers flag with is_provisional.
    if day in LIBRARY_WORKDAYS:
        return True
    return day.weekday() < 5 and day not in LIBRARY_HOLIDAYS


def add_days(start: datetime.date, days: int) -> datetime.date:
    return start + datetime.timedelta(days=days)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (before it when negative); `start` itself is not
    counted, as with every "within N working days" rule. Zero returns `start`."""
    if abs(days) > MAX_STEP:
        raise ValueError(f"{days} working days is not a deadline")
    step = 1 if days >= 0 else -1
    day, remaining = start, abs(days)
    overrides = _overrides()  # once per call, not once per day (a cache round trip each)
    while remaining:
        day += datetime.timedelta(days=step)
        if _is_working_day(day, overrides):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    overrides = _overrides()
    while day < end:
        day += datetime.timedelta(days=1)
        count += _is_working_day(day, overrides)
    return count


def is_provisional(*days: datetime.date | None) -> bool:
    """True when a date computed across these days relied on the Monday–Friday estimate."""
    years = {d.year for d in days if d is not None}
    if len(years) > 1:
        years = set(range(min(years), max(years) + 1))
    return any(not year_is_known(year) for year in years)
