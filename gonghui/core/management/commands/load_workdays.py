"""Load one year's statutory holiday arrangement into the working-day override table.

    manage.py load_workdays --year 2027 \\
        --holidays 2027-01-01,2027-02-10..2027-02-17 --workdays 2027-02-07,2027-02-20

Replaces every override of that year at once (all or nothing), writes one audit row and
refreshes the cached calendar. `..` gives an inclusive range of days.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.core import services

MAX_RANGE_DAYS = 31  # no statutory holiday is longer; a longer range is a typo


def parse_day(text, option):
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{option}: {text.strip()!r} is not a date (write YYYY-MM-DD, e.g. 2027-02-10)") from None


def parse_days(value, option):
    """'2027-01-01,2027-02-10..2027-02-17' -> the listed days, ranges inclusive."""
    days = []
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        if ".." in part:
            first_text, _sep, last_text = part.partition("..")
            first, last = parse_day(first_text, option), parse_day(last_text, option)
            if last < first:
                raise CommandError(f"{option}: the range {part} ends before it starts")
            if (last - first).days >= MAX_RANGE_DAYS:
                raise CommandError(f"{option}: the range {part} is longer than {MAX_RANGE_DAYS} days")
            days += [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
        else:
            days.append(parse_day(part, option))
    return days


class Command(BaseCommand):
    help = "Replace one year's working-day overrides with its statutory holidays and make-up working days."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--holidays", required=True,
                            help="Comma-separated days off, YYYY-MM-DD; ranges as FIRST..LAST (inclusive).")
        parser.add_argument("--workdays", default="",
                            help="Comma-separated make-up working days (调休上班), same format.")
        parser.add_argument("--note", default="", help="Note stored on every row (60 characters at most).")

    def handle(self, *args, year, holidays, workdays, note, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year: {year} is not a plausible year")
        holiday_days = parse_days(holidays, "--holidays")
        working_days = parse_days(workdays, "--workdays")
        try:
            written = services.load_year_workdays(actor=None, year=year, holidays=holiday_days,
                                                  working_days=working_days, note=note)
        except ValidationError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages)) from None
        self.stdout.write(f"{year}: {len(set(holiday_days))} holidays and {len(set(working_days))} "
                          f"make-up working days loaded ({written} rows; earlier rows of {year} replaced).")
