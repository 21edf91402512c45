"""Builders for the venues tests (and other areas' tests): the district's cultural palace with
a hall and a meeting room, a town1 centre with a room, a slot tomorrow, bookings, performances
and screenings made through the services."""

import datetime

from django.utils import timezone

from gonghui.services.models.venues import Room, Venue, VenueKind
from gonghui.services.services import venues as services


def at(days, hour, minute=0):
    """An aware datetime `days` days from today at hour:minute (local time)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def palace(tree, *, name="区工人文化宫") -> Venue:
    return Venue.objects.create(org=tree.district, kind=VenueKind.CULTURAL_PALACE, name=name,
                                address="人民路1号", contact_phone="0571-82000000")


def room(tree, *, venue=None, name="多功能厅", capacity=100, **kw) -> Room:
    venue = venue or palace(tree)
    return Room.objects.create(venue=venue, name=name, capacity=capacity, **kw)


def town_room(tree, *, town=None, name="活动室") -> Room:
    town = town or tree.town1
    v = Venue.objects.create(org=town, kind=VenueKind.SERVICE_CENTRE, name=f"{town.name}职工服务中心",
                             address="城厢路8号")
    return Room.objects.create(venue=v, name=name, capacity=30)


def booking(tree, *, room_=None, org=None, actor=None, day=1, start=9, end=11, attendees=20, purpose="职工代表培训"):
    room_ = room_ or room(tree)
    return services.request_booking(actor=actor or tree.district_staff, room=room_, org=org or tree.union1,
                                    purpose=purpose, starts_at=at(day, start), ends_at=at(day, end),
                                    attendees=attendees, contact_name="张三", contact_phone="13800000000")


def performance(tree, *, org=None, actor=None, days=10):
    return services.request_performance(actor=actor or tree.district_staff, org=org or tree.union1,
                                        title="送文化进企业", wanted_on=timezone.localdate()
                                        + datetime.timedelta(days=days), place="企业食堂", expected_audience=200)


def screening(tree, *, org=None, actor=None, starts_at=None):
    return services.plan_screening(actor=actor or tree.district_staff, org=org or tree.union1, film="长津湖",
                                   starts_at=starts_at or at(2, 19), site="企业广场")
