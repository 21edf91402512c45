"""Venues pages: lists with filters, search, counts and a fixed query count; the exports
(audited, scoped); booking a room through the page with a specific error on a taken slot; the
confirm step; the performance and screening pages; the calendar (month grid and day list, the
cap per day with "+N" and the day view, the events in scope); the history on the detail pages."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.services.models.venues import BookingStatus, PerformanceStatus, RoomBooking
from gonghui.services.testing.venues import at, booking, performance, room, screening, town_room

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


def body(r):
    return r.content.decode().split("<tbody>")[1] if "<tbody>" in r.content.decode() else ""


def test_booking_list_filters_scope_and_queries(tree, django_assert_max_num_queries):
    a = booking(tree, purpose="甲培训")
    b = booking(tree, room_=town_room(tree, town=tree.town2), org=tree.union2, purpose="丙联欢")
    c = client_for(tree.district_staff)
    url = reverse("services:booking_list")
    c.get(url)
    with django_assert_max_num_queries(25) as few:
        r = c.get(url)
    assert r.status_code == 200 and a.number in body(r) and b.number in body(r)
    for i in range(4):
        booking(tree, room_=a.room, start=12 + i, end=13 + i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    assert b.number not in body(c.get(url, {"q": "甲培训"}))
    assert a.number not in body(c.get(url, {"venue": b.room.venue_id}))
    assert a.number not in body(c.get(url, {"status": "CONFIRMED"}))
    assert b.number not in body(client_for(tree.town1_cadre).get(url))
    assert c.get(url, {"date_from": "x", "org": "99999", "due": "?"}).status_code == 200


def test_export_is_audited_and_scoped(tree):
    booking(tree)
    booking(tree, room_=town_room(tree, town=tree.town2), org=tree.union2)
    r = client_for(tree.town1_cadre).get(reverse("services:booking_export"))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][9] == "138****0000"
    assert AuditEvent.objects.filter(action="services.booking_export").exists()
    for name in ("performance_export", "screening_export", "venue_export"):
        assert client_for(tree.district_staff).get(reverse(f"services:{name}")).status_code == 200


def test_booking_through_the_page_and_the_taken_slot(tree):
    r = room(tree)
    c = client_for(tree.union1_chair)
    url = reverse("services:booking_create")
    assert c.get(url).status_code == 302  # one union: taken directly
    page = c.get(url, {"org": tree.union1.pk})
    assert page.status_code == 200 and r.name in page.content.decode()
    data = {"org": tree.union1.pk, "room": r.pk, "day": at(1, 9).date().isoformat(), "start": "09:00",
            "end": "11:00", "purpose": "职工培训", "attendees": 30, "contact_name": "张三",
            "contact_phone": "13800000000"}
    done = c.post(url, data)
    assert done.status_code == 302
    b = RoomBooking.objects.get()
    assert done.url == reverse("services:booking_detail", args=[b.pk]) and b.contact_phone() == "13800000000"
    again = c.post(url, {**data, "start": "10:00", "end": "12:00"})
    assert again.status_code == 400 and b.number in again.content.decode()
    assert RoomBooking.objects.count() == 1
    bad = c.post(url, {**data, "attendees": 500, "start": "14:00", "end": "15:00"})
    assert bad.status_code == 400 and RoomBooking.objects.count() == 1


def test_confirm_step_and_history(tree):
    b = booking(tree)
    c = client_for(tree.district_staff)
    detail = c.get(reverse("services:booking_detail", args=[b.pk]))
    assert detail.status_code == 200 and reverse("services:booking_step", args=[b.pk, "confirm"]) in \
        detail.content.decode()
    assert "138****0000" in detail.content.decode() and "13800000000" not in detail.content.decode()
    assert c.post(reverse("services:booking_step", args=[b.pk, "confirm"])).status_code == 302
    b.refresh_from_db()
    assert b.status == BookingStatus.CONFIRMED
    page = c.get(reverse("services:booking_detail", args=[b.pk]))
    assert {e.action for e in page.context["history"]} >= {"services.booking_request", "services.booking_confirm"}
    assert c.post(reverse("services:booking_step", args=[b.pk, "reject"]),
                  {"reject-reason": "x"}).status_code == 302  # not offered any more: a message, no change
    b.refresh_from_db()
    assert b.status == BookingStatus.CONFIRMED
    cancel = client_for(tree.union1_chair).post(reverse("services:booking_step", args=[b.pk, "cancel"]),
                                                {"cancel-reason": ""})
    assert cancel.status_code == 400
    assert client_for(tree.union1_chair).get(reverse("services:booking_detail", args=[b.pk])).status_code == 200


def test_performance_pages_and_schedule_step(tree):
    p = performance(tree)
    r = room(tree)
    c = client_for(tree.district_staff)
    assert p.title in body(c.get(reverse("services:programme_list"), {"status": "REQUESTED"}))
    day = at(10, 14).date().isoformat()
    step = reverse("services:performance_step", args=[p.pk, "schedule"])
    assert c.post(step, {"schedule-day": day, "schedule-start": "14:00", "schedule-end": "16:00",
                         "schedule-room": r.pk}).status_code == 302
    p.refresh_from_db()
    assert p.status == PerformanceStatus.SCHEDULED and p.booking_id
    assert c.get(reverse("services:performance_detail", args=[p.pk])).status_code == 200
    u = client_for(tree.union1_chair)
    new = u.post(reverse("services:performance_create"), {"org": tree.union1.pk, "title": "迎新春",
                                                           "wanted_on": day, "place": "",
                                                           "expected_audience": 100})
    assert new.status_code == 400  # no place, no enterprise


def test_screening_pages(tree):
    s = screening(tree)
    c = client_for(tree.union1_staff)
    assert s.film in body(c.get(reverse("services:screening_list"), {"q": "长津"}))
    r = c.post(reverse("services:screening_create"), {"org": tree.union1.pk, "film": "你好，李焕英",
                                                      "day": at(3, 19).date().isoformat(), "start": "19:00",
                                                      "site": "厂区广场"})
    assert r.status_code == 302
    assert c.get(r.url).status_code == 200
    assert c.post(reverse("services:screening_step", args=[s.pk, "cancel"]),
                  {"cancel-reason": "下雨"}).status_code == 302


def test_venue_pages_and_room_form(tree):
    r = room(tree)
    c = client_for(tree.district_staff)
    assert r.venue.name in body(c.get(reverse("services:venue_list")))
    assert c.get(reverse("services:venue_detail", args=[r.venue_id])).status_code == 200
    add = c.post(reverse("services:room_create", args=[r.venue_id]),
                 {"name": "舞蹈房", "kind": "ACTIVITY", "capacity": 40, "opens_at": "09:00", "closes_at": "08:00"})
    assert add.status_code == 400
    add = c.post(reverse("services:room_create", args=[r.venue_id]),
                 {"name": "舞蹈房", "kind": "ACTIVITY", "capacity": 40, "opens_at": "09:00", "closes_at": "21:00",
                  "is_bookable": "on"})
    assert add.status_code == 302 and r.venue.rooms.count() == 2
    new = c.post(reverse("services:venue_create"), {"org": tree.town1.pk, "name": r.venue.name, "kind": "OTHER",
                                                    "address": "x"})
    assert new.status_code == 400  # the name is taken
    # union2 sees union1's slot at the palace as taken: no link to a page it cannot open, no name
    b = booking(tree, room_=r)
    page = client_for(tree.union2_chair).get(reverse("services:venue_detail", args=[r.venue_id])).content.decode()
    assert reverse("services:booking_detail", args=[b.pk]) not in page and tree.union1.name not in page
    assert reverse("services:booking_detail", args=[b.pk]) in \
        client_for(tree.union1_chair).get(reverse("services:venue_detail", args=[r.venue_id])).content.decode()


def test_calendar_month_grid_and_filters(tree):
    b = booking(tree, purpose="月度例会")
    s = screening(tree, starts_at=at(1, 19))
    c = client_for(tree.town1_cadre)
    month = at(1, 9).strftime("%Y-%m")
    html = c.get(reverse("services:venue_calendar"), {"month": month}).content.decode()
    assert "月度例会" in html and s.film in html
    only = c.get(reverse("services:venue_calendar"), {"month": month, "what": "screening"}).content.decode()
    assert "月度例会" not in only
    assert c.get(reverse("services:venue_calendar"), {"month": "bad"}).status_code == 200
    assert "月度例会" not in client_for(tree.union2_chair).get(reverse("services:venue_calendar"),
                                                             {"month": month}).content.decode()
    assert b.pk


def test_overview_card_and_due_line(tree, django_assert_num_queries):
    from gonghui.services.selectors import venues as selectors

    b = booking(tree, room_=town_room(tree))
    RoomBooking.objects.filter(pk=b.pk).update(created_at=b.created_at - selectors.datetime.timedelta(days=5))
    card = selectors.overview_card(tree.town1_cadre)
    assert card.rows[0].value == 1 and card.rows[0].alert
    with django_assert_num_queries(1):  # one aggregate (the roles are cached on the user)
        due = selectors.due_bookings_summary(tree.town1_cadre)
    assert (due.overdue, due.soon) == (1, 0)
    assert selectors.due_bookings_summary(tree.union1_chair) is None  # no approve
    assert selectors.due_bookings_summary(tree.town2_cadre).overdue == 0


def test_calendar_caps_a_day_and_opens_the_day_view(tree, django_assert_max_num_queries):
    from gonghui.services.selectors.venues import DAY_CAP

    r = room(tree)
    made = [booking(tree, room_=r, start=8 + i, end=9 + i, purpose=f"例会{i:02d}") for i in range(DAY_CAP + 2)]
    c = client_for(tree.district_staff)
    day = at(1, 9).date()
    url = reverse("services:venue_calendar")
    c.get(url, {"month": f"{day:%Y-%m}"})
    # 13 for a district cadre: one asks whether their reach is the whole tree (core.scoping)
    with django_assert_max_num_queries(13):
        html = c.get(url, {"month": f"{day:%Y-%m}"}).content.decode()
    # the grid and the phone list each draw DAY_CAP items of the day, then "+2" to the day view
    first, last = (reverse("services:booking_detail", args=[b.pk]) + '"' for b in (made[0], made[-1]))
    assert html.count(first) == 2 and last not in html
    more = str(_("+%(n)s more") % {"n": 2})
    assert html.count(more) == 2 and f"day={day:%Y-%m-%d}" in html
    with django_assert_max_num_queries(13):
        page = c.get(url, {"day": f"{day:%Y-%m-%d}"}).content.decode()
    assert all(b.purpose in page for b in made) and more not in page
    assert made[0].number and len(made) == DAY_CAP + 2
    other = c.get(url, {"day": f"{day + datetime.timedelta(days=1):%Y-%m-%d}"}).content.decode()
    assert first not in other
    assert c.get(url, {"day": "2026-02-31"}).status_code == 200  # a bad day: the month


def test_calendar_shows_events_in_scope(tree, django_assert_max_num_queries):
    from gonghui.services.models.events import EventStatus
    from gonghui.services.testing.events import event

    mine = event(tree, title="城厢趣味运动会", starts_in_days=1)
    district = event(tree, org=tree.district, title="全区职工合唱", starts_in_days=1)
    other = event(tree, org=tree.town2, title="北干登山", starts_in_days=1)
    draft = event(tree, title="草稿活动", starts_in_days=1, status=EventStatus.DRAFT)
    month = f"{mine.starts_at.astimezone():%Y-%m}"
    url = reverse("services:venue_calendar")
    c = client_for(tree.town1_cadre)
    c.get(url, {"month": month})
    with django_assert_max_num_queries(12):
        html = c.get(url, {"month": month}).content.decode()
    assert mine.title in html and district.title in html  # offered from above: readable
    assert reverse("services:event_detail", args=[mine.pk]) in html and "text-bg-dark" in html
    assert other.title not in html and draft.title not in html
    only = c.get(url, {"month": month, "what": "event"}).content.decode()
    assert mine.title in only
    assert mine.title not in c.get(url, {"month": month, "what": "booking"}).content.decode()
    assert other.title in client_for(tree.town2_cadre).get(url, {"month": month}).content.decode()


def test_calendar_items_are_drawn_escaped_with_where_and_status(tree, django_assert_max_num_queries):
    """The items are built in Python (templatetags/venue_calendar.py): the same escaped title,
    "venue · room · booking org", time, status and link as the template drew; the bookings of a
    month cost the same queries however many there are."""
    from django.utils import timezone

    r = room(tree)
    b = booking(tree, room_=r, purpose='<b>"例会"</b> & 议程')
    day = at(1, 9).date()
    url = reverse("services:venue_calendar")
    c = client_for(tree.district_staff)
    c.get(url, {"month": f"{day:%Y-%m}"})
    with django_assert_max_num_queries(13) as few:  # 12 and the whole-tree question (core.scoping)
        html = c.get(url, {"month": f"{day:%Y-%m}"}).content.decode()
    link = reverse("services:booking_detail", args=[b.pk])
    title = "&lt;b&gt;&quot;例会&quot;&lt;/b&gt; &amp; 议程"
    where = f"{r.venue.name} · {r.name} · {tree.union1.name}"
    hm = timezone.localtime(b.starts_at).strftime("%H:%M")
    assert ('<a class="d-block text-wrap text-decoration-none badge text-bg-primary mb-1 text-start" '
            f'href="{link}" title="{title} · {where}">{hm} {title}</a>') in html
    assert (f'<li class="py-1"><span class="badge text-bg-primary">{hm}</span> <a href="{link}">{title}</a>'
            f'<div class="small text-muted">{where} · {BookingStatus(b.status).label}</div></li>') in html
    assert '<b>"例会"' not in html
    for i in range(3):
        booking(tree, room_=r, org=tree.union2 if i else tree.town1, start=12 + i, end=13 + i, purpose=f"会{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "会2" in c.get(url, {"month": f"{day:%Y-%m}"}).content.decode()
