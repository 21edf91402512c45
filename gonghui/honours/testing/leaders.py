"""Builders for the skill-leader tests: a member of a union nominated, selected (with the title
from a given day) or ended, walked through the services by the right people."""

import datetime

from gonghui.honours.models.leaders import LeaderStatus, SkillLeader
from gonghui.honours.services import leaders as services

YEAR = 2026


def leader(tree, status=LeaderStatus.NOMINATED, *, union=None, starts_on=None, nominated_on=None, trade="数控车工",
           industry="AUTO_PARTS", year=None, person=None) -> SkillLeader:
    """A nomination by union1 (or `union`) walked to `status`. Selected titles start on `starts_on`
    (default: the nomination day)."""
    union = union or tree.union1
    chair = tree.union1_chair if union == tree.union1 else tree.district_staff
    district = tree.district_staff
    if person is None:
        person = tree.member(union=union).person
    nominated_on = nominated_on or (starts_on if starts_on and starts_on <= services.today() else None) \
        or services.today()
    x = services.nominate_leader(actor=chair, org=union, person=person, year=year or nominated_on.year, trade=trade,
                                 industry=industry, achievements="技术革新三项", nominated_on=nominated_on)
    if status == LeaderStatus.NOMINATED:
        return x
    if status == LeaderStatus.WITHDRAWN:
        return services.withdraw_nomination(actor=chair, leader=x)
    if status == LeaderStatus.NOT_SELECTED:
        return services.decline_leader(actor=district, leader=x, decided_on=nominated_on, reason="名额已满")
    x = services.select_leader(actor=district, leader=x, selected_on=nominated_on, starts_on=starts_on or nominated_on)
    if status == LeaderStatus.ENDED:
        return services.end_title(actor=district, leader=x, kind="REVOKED", last_day=x.starts_on, reason="违规")
    return x


def month(y, m):
    return datetime.date(y, m, 1)
