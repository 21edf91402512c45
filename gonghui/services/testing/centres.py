"""Builders for tests of centres: town1's centre, catalogue items, an order of union1 walked to a
status, a project of town1's centre — all through the services by the right people."""

import datetime

from django.utils import timezone

from gonghui.services.models.centres import OrderStatus, ProjectStatus, ServiceCentre, ServiceItem
from gonghui.services.services import centres as services


def today():
    return timezone.localdate()


def centre(tree, *, org=None, name=None, actor=None):
    org = org or tree.town1
    name = name or f"{org.name}职工服务中心"
    return ServiceCentre.objects.filter(org=org, name=name).first() or services.create_centre(
        actor=actor or tree.district_staff, org=org, name=name, address=f"{org.name}人民路1号", phone="0571-82000000",
        hours="工作日 8:30–17:00", manager="张主任")


def item(tree, *, org=None, name="劳动法律咨询", category="LEGAL", delivery="BOTH", centre_=None):
    org = org or tree.district
    return ServiceItem.objects.filter(org=org, name=name).first() or services.create_item(
        actor=tree.district_staff, org=org, name=name, category=category, delivery=delivery, centre=centre_)


def order(tree, status=OrderStatus.SUBMITTED, *, org=None, actor=None, centre_=None, headcount=30):
    org = org or tree.union1
    actor = actor or (tree.union1_chair if org == tree.union1 else tree.union2_chair if org == tree.union2
                      else tree.district_staff)
    c = centre_ or centre(tree, org=tree.town2 if org.path.startswith(tree.town2.path) else tree.town1)
    centre_actor = tree.district_staff
    o = services.create_order(actor=actor, org=org, centre=c, item=item(tree),
                              wanted_on=today() + datetime.timedelta(days=7), headcount=headcount,
                              place="企业会议室")
    if status == OrderStatus.SUBMITTED:
        return o
    if status == OrderStatus.CANCELLED:
        return services.cancel_order(actor=actor, order=o, reason="时间冲突")
    if status == OrderStatus.DECLINED:
        return services.decline_order(actor=centre_actor, order=o, reason="律师排不开")
    o = services.accept_order(actor=centre_actor, order=o, scheduled_on=today(), delivered_by="STAFF")
    if status == OrderStatus.ACCEPTED:
        return o
    o = services.deliver_order(actor=centre_actor, order=o, delivered_on=today(), people_served=25)
    if status == OrderStatus.DELIVERED:
        return o
    return services.rate_order(actor=actor, order=o, rating=5)


def project(tree, status=ProjectStatus.PLANNED, *, centre_=None):
    c = centre_ or centre(tree)
    actor = tree.district_staff
    p = services.create_project(actor=actor, centre=c, item=item(tree), title="法律服务进园区",
                                starts_on=today() - datetime.timedelta(days=30),
                                ends_on=today() + datetime.timedelta(days=60), planned_beneficiaries=200,
                                budget="20000.00")
    if status == ProjectStatus.PLANNED:
        return p
    if status == ProjectStatus.CANCELLED:
        return services.cancel_project(actor=actor, project=p, reason="经费调整")
    p = services.start_project(actor=actor, project=p)
    if status == ProjectStatus.RUNNING:
        return p
    services.add_delivery(actor=actor, project=p, delivered_on=today(), union=tree.union1, people_served=40)
    return services.finish_project(actor=actor, project=p, summary="完成")
