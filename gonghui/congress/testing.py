"""Build congress terms, delegates and sessions for tests of every layer. Rows are written
directly (the services of each area have their own tests); they satisfy the same rules."""

import datetime

from .deadlines import term_end
from .models import BodyStatus, CongressBody, Delegate, DelegateCategory, Session, SessionStatus
from .rules import body_kind_for, delegate_quota


def congress_body(*, org, enterprise=None, headcount=None, starts_on=datetime.date(2025, 1, 10), term_years=3,
                  term_number=1, status=BodyStatus.ACTIVE):
    enterprise = enterprise or org.enterprises.first()
    headcount = enterprise.headcount if headcount is None else headcount
    return CongressBody.objects.create(
        org=org, enterprise=enterprise, kind=body_kind_for(headcount), term_number=term_number,
        term_years=term_years, term_starts_on=starts_on,
        term_ends_on=term_end(starts_on, term_years),
        headcount=headcount, delegate_quota=delegate_quota(headcount), status=status)


def delegates(body, count=30, *, managers=None, substitutes=0, group="第一代表团"):
    """`count` delegates (20% managers unless given), then `substitutes` substitutes."""
    managers = count // 5 if managers is None else managers
    rows = []
    for i in range(count + substitutes):
        category = DelegateCategory.MANAGER if i < managers else DelegateCategory.FRONT_LINE
        rows.append(Delegate(org=body.org, body=body, name=f"代表{i + 1:03d}", group=group, category=category,
                             is_substitute=i >= count, elected_on=body.term_starts_on))
    return Delegate.objects.bulk_create(rows)


def session(body, *, number=1, planned_on=datetime.date(2026, 3, 20), title=None, status=SessionStatus.PLANNED,
            **fields):
    return Session.objects.create(org=body.org, body=body, number=number, planned_on=planned_on,
                                  title=title or f"第{body.term_number}届职代会第{number}次会议", status=status,
                                  **fields)
