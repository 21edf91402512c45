"""Builders for the statistics tests: appeals written directly with the ORM (independent of the
appeals and intake services), and `KnownDataset`, a small district whose figures are known.

KnownDataset (year 2025; March 2025 has no public holiday, so working days are Monday–Friday):

    a1 WAGES_OWED  union1  town1  received Mon 3 Mar  closed Fri 7 Mar, on time, rated 5, enterprise1   4 days
    a2 WAGES_OWED  union1  town1  received Mon 3 Mar  closed Mon 10 Mar, late, rated 3, re-opened,
                                                       enterprise1                                      5 days
    a3 CONTRACT    union2  town2  received Tue 4 Mar  handling, due 18 Mar 2025 → overdue now
    a4 OTHER       district —     received 10 Feb     new, anonymous, due 2099 → open, not overdue
    a5 CONTRACT    union1b town1  received 12 Feb     withdrawn, enterprise typed "某某餐饮店"
    a6 WAGES_OWED  town2   town2  received Thu 20 Mar closed the same day, on time, rated 4,
                                                       enterprise2                                      0 days
    a7 INJURY      union1  town1  received 30 Dec 2024, closed: not of 2025
    a8 WAGES_OWED  union1  town1  received Wed 5 Mar  handling, due 2099, enterprise typed "某某餐饮店"
"""

import datetime
import itertools

from django.utils import timezone

from gonghui.voice.models.appeals import Appeal, AppealChannel, AppealResult, AppealStatus

_seq = itertools.count(1)
YEAR = 2025


def at(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def appeal(org, *, town=None, category="WAGES_OWED", received=datetime.date(YEAR, 3, 3), status=AppealStatus.NEW,
           due=None, closed=None, on_time=None, satisfaction=None, reopened=False, enterprise=None,
           enterprise_name="", anonymous=False, **extra) -> Appeal:
    """One appeal as the statistics see it; `closed` (a date) closes it."""
    n = next(_seq)
    if closed is not None:
        status = AppealStatus.CLOSED
    return Appeal.objects.create(
        number=f"ST{YEAR}-{n:06d}", category=category, channel=AppealChannel.PORTAL, title=f"诉求{n}",
        content="测试内容", anonymous=anonymous, contact_name="" if anonymous else f"职工{n}",
        enterprise=enterprise, enterprise_name=enterprise_name, tracking_code=f"TSTAT{n:08d}", org=org, town=town,
        status=status, received_at=at(received, 9), clock_started_on=received,
        due_on=due or received + datetime.timedelta(days=14),
        closed_at=at(closed, 15) if closed else None, closed_on_time=on_time,
        result=AppealResult.RESOLVED if closed else "", satisfaction=satisfaction,
        rated_at=at(closed, 16) if satisfaction else None, reopen_count=1 if reopened else 0, **extra)


class KnownDataset:
    """The appeals of the module docstring, on a `core.testing.factories.Tree`."""

    def __init__(self, tree):
        d = datetime.date
        far = d(2099, 1, 1)
        self.a1 = appeal(tree.union1, town=tree.town1, received=d(YEAR, 3, 3), closed=d(YEAR, 3, 7), on_time=True,
                         satisfaction=5, enterprise=tree.enterprise1)
        self.a2 = appeal(tree.union1, town=tree.town1, received=d(YEAR, 3, 3), closed=d(YEAR, 3, 10), on_time=False,
                         satisfaction=3, reopened=True, enterprise=tree.enterprise1)
        self.a3 = appeal(tree.union2, town=tree.town2, category="CONTRACT", received=d(YEAR, 3, 4),
                         status=AppealStatus.HANDLING, due=d(YEAR, 3, 18))
        self.a4 = appeal(tree.district, town=None, category="OTHER", received=d(YEAR, 2, 10), due=far, anonymous=True)
        self.a5 = appeal(tree.union1b, town=tree.town1, category="CONTRACT", received=d(YEAR, 2, 12),
                         status=AppealStatus.WITHDRAWN, enterprise_name="某某餐饮店")
        self.a6 = appeal(tree.town2, town=tree.town2, received=d(YEAR, 3, 20), closed=d(YEAR, 3, 20), on_time=True,
                         satisfaction=4, enterprise=tree.enterprise2)
        self.a7 = appeal(tree.union1, town=tree.town1, category="INJURY", received=d(YEAR - 1, 12, 30),
                         closed=d(YEAR, 1, 6), on_time=True)
        self.a8 = appeal(tree.union1, town=tree.town1, received=d(YEAR, 3, 5), status=AppealStatus.HANDLING, due=far,
                         enterprise_name="某某餐饮店")
