"""Builders for committee tests: rows written directly (as the services would have written
them), so a test sets up terms in any state without going through the workflow."""

import datetime

from ..models.committees import Committee, CommitteeMember, CommitteePosition, CommitteeSource, CommitteeStatus
from ..services.committees import term_end

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"


def members_list(count):
    """`count` committee members: a chair, a vice-chair when there are three or more, members."""
    rows = []
    for i in range(count):
        position = (CommitteePosition.CHAIR if i == 0 else
                    CommitteePosition.VICE_CHAIR if i == 1 and count >= 3 else CommitteePosition.MEMBER)
        rows.append({"name": f"{SURNAMES[i % len(SURNAMES)]}委员{i + 1}", "position": position, "person": None})
    return rows


def committee(union, *, elected_on=datetime.date(2023, 6, 1), term_years=5, term_number=None,
              status=CommitteeStatus.CURRENT, ended_on=None, source=CommitteeSource.RECORD, members=3,
              members_at_election=50):
    if term_number is None:
        term_number = (Committee.objects.filter(org=union).count()) + 1
    if status == CommitteeStatus.CURRENT:
        ended_on = None
    elif ended_on is None:
        ended_on = term_end(elected_on, term_years)
    c = Committee.objects.create(
        org=union, term_number=term_number, term_years=term_years, elected_on=elected_on,
        term_ends_on=term_end(elected_on, term_years), status=status, ended_on=ended_on,
        source=source, members_at_election=members_at_election)
    CommitteeMember.objects.bulk_create([
        CommitteeMember(committee=c, name=r["name"], position=r["position"], order=i)
        for i, r in enumerate(members_list(members))])
    return c
