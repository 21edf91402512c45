"""Builders for tests of facilities: a request of union1 walked to a status by the right people."""

import datetime

from django.utils import timezone

from gonghui.services.models.facilities import FacilityStatus
from gonghui.services.services import facilities as services


def request(tree, status=FacilityStatus.SUBMITTED, *, org=None, actor=None, kind="ATM"):
    org = org or tree.union1
    actor = actor or (tree.union1_chair if org == tree.union1 else tree.union2_chair)
    town_actor = tree.town1_cadre if org.path.startswith(tree.town1.path) else tree.town2_cadre
    today = timezone.localdate()
    r = services.submit_request(actor=actor, org=org, kind=kind, title="园区ATM机", location="工业园区东门",
                                workers_served=300, justification="最近的银行网点在5公里外。",
                                enterprise=tree.enterprise1 if org == tree.union1 else None)
    if status == FacilityStatus.SUBMITTED:
        return r
    if status == FacilityStatus.WITHDRAWN:
        return services.withdraw_request(actor=actor, request=r, reason="企业自行解决")
    if status == FacilityStatus.REJECTED:
        return services.reject_request(actor=town_actor, request=r, reason="选址不符合要求")
    r = services.approve_request(actor=town_actor, request=r)
    if status == FacilityStatus.APPROVED:
        return r
    r = services.start_request(actor=town_actor, request=r, partner="萧山农商银行",
                               planned_open_on=today + datetime.timedelta(days=30))
    if status == FacilityStatus.IN_PROGRESS:
        return r
    r = services.open_request(actor=town_actor, request=r, opened_on=today)
    if status == FacilityStatus.OPEN:
        return r
    return services.close_request(actor=town_actor, request=r, closed_on=today, reason="企业搬迁")
