"""Builders for the awards tests: the built-in award types, a quota, a team whose records make it
eligible for 工人先锋号, and a nomination walked through the services to the status wanted (dates
in the past, so a 公示 has ended by today)."""

import datetime

from gonghui.core.testing.factories import MembershipFactory, PersonFactory
from gonghui.honours.models.awards import HonourType, NominationStatus
from gonghui.honours.services import awards as services

DAY = datetime.timedelta(days=1)


def types(tree) -> dict:
    """{kind: HonourType} with the built-in types."""
    if not HonourType.objects.exists():
        services.ensure_award_types(actor=tree.district_staff)
    return {t.kind: t for t in HonourType.objects.all()}


def quota(tree, kind="GOLD_GEAR", org=None, places=3, year=None):
    t = types(tree)[kind]
    return services.set_quota(actor=tree.district_staff, honour_type=t, org=org or tree.town1,
                              year=year or services.today().year, places=places)


def member(tree, union=None, name="王师傅"):
    person = PersonFactory(name=name)
    MembershipFactory(person=person, union=union or tree.union1, enterprise=tree.enterprise1)
    return person


def make_records(tree, enterprise, on, *, congress=True, agreement=True):
    """A congress session of the enterprise held 30 days before `on`, and a collective wage
    agreement in force on `on` (built with the congress and bargaining test helpers)."""
    from gonghui.bargaining.models import Stage
    from gonghui.bargaining.testing import negotiation
    from gonghui.congress.models import SessionStatus
    from gonghui.congress.testing import congress_body, session

    if congress:
        body = congress_body(org=enterprise.union, enterprise=enterprise, starts_on=on - 400 * DAY)
        day = on - 30 * DAY
        session(body, planned_on=day, status=SessionStatus.HELD, held_on=day, entitled=30, present=25,
                report_due_on=day + 10 * DAY)
    if agreement:
        negotiation(actor=tree.district_staff, org=enterprise.union, enterprise=enterprise, stage=Stage.EFFECTIVE,
                    start=on - 200 * DAY)


def nomination(tree, status=NominationStatus.SUBMITTED, *, kind="GOLD_GEAR", person=None, org=None, places=3,
               start=None, **extra):
    """A nomination by union1 (or `org`) walked to `status`; every step dated in the past so that
    the 公示 has ended before today when `status` is CONFERRED or NOTICE with `start` early enough."""
    org = org or tree.union1
    t = types(tree)[kind]
    today = services.today()
    start = start or today - 40 * DAY
    from gonghui.honours.selectors.awards import quota_for

    if quota_for(t, org, start.year) is None:
        town = tree.town1 if org.path.startswith(tree.town1.path) else tree.town2
        services.set_quota(actor=tree.district_staff, honour_type=t, org=town, year=start.year, places=places)
    chair = tree.union1_chair if org == tree.union1 else tree.district_staff
    town_cadre = tree.town1_cadre if org.path.startswith(tree.town1.path) else tree.town2_cadre
    district = tree.district_staff
    if t.for_teams:
        make_records(tree, tree.enterprise1 if org == tree.union1 else tree.enterprise2, start)
        holder = {"team_name": extra.pop("team_name", "一号车间"),
                  "enterprise": tree.enterprise1 if org == tree.union1 else tree.enterprise2}
    else:
        holder = {"person": person or member(tree, org)}
    n = services.nominate_honour(actor=chair, honour_type=t, org=org, year=start.year,
                                 deeds="爱岗敬业，技术革新成果突出", submitted_on=start, **holder, **extra)
    if status == NominationStatus.SUBMITTED:
        return n
    if status == NominationStatus.WITHDRAWN:
        return services.withdraw_nomination(actor=chair, nomination=n, withdrawn_on=start)
    if status == NominationStatus.REJECTED:
        return services.review_by_town(actor=town_cadre, nomination=n, decision="reject", reason="事迹材料不足",
                                       reviewed_on=start + DAY)
    services.review_by_town(actor=town_cadre, nomination=n, decision="forward", reviewed_on=start + DAY)
    if status == NominationStatus.FORWARDED:
        return fresh(n)
    services.review_by_district(actor=district, nomination=n, decision="approve", reviewed_on=start + 2 * DAY)
    if status == NominationStatus.NOTICE:
        return fresh(n)
    return services.confer_award(actor=district, nomination=n, certificate_no="区奖2026-001")


def fresh(n):
    return type(n).objects.get(pk=n.pk)
