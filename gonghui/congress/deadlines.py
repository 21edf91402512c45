"""The deadlines of DOMAIN.md §3, computed on the Chinese calendar (`core.workdays`).

- papers reach the delegates ≥7 calendar days before the session;
- results are reported to the upper union within 7 working days of the session;
- a proposal's reply is due two months after it is assigned (three once extended); a month is a
  calendar month (31 January + 1 month = 28/29 February), and a due date that falls on a rest
  day or holiday moves to the next working day, as with any time limit that ends on a holiday.
"""

import calendar
import datetime

from gonghui.core import workdays

from .rules import rules


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day of the month `months` later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not workdays.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def term_end(starts_on: datetime.date, years: int) -> datetime.date:
    """The last day of a term of `years` years: the day before the anniversary. A term starting
    on 29 February has its anniversary on 1 March of a common year, so it ends on 28 February."""
    year = starts_on.year + years
    try:
        anniversary = starts_on.replace(year=year)
    except ValueError:  # 29 February in a common year
        anniversary = datetime.date(year, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def papers_deadline(session_on: datetime.date) -> datetime.date:
    """The last day the papers may reach the delegates for a session on `session_on`."""
    return session_on - datetime.timedelta(days=rules().papers_days_before)


def papers_in_time(papers_sent_on: datetime.date | None, session_on: datetime.date) -> bool:
    return papers_sent_on is not None and papers_sent_on <= papers_deadline(session_on)


def report_due(held_on: datetime.date) -> datetime.date:
    return workdays.add_working_days(held_on, rules().report_working_days)


def reply_due(assigned_on: datetime.date, *, extended: bool = False) -> datetime.date:
    r = rules()
    months = r.reply_months + (r.extension_months if extended else 0)
    return next_working_day(add_months(assigned_on, months))
