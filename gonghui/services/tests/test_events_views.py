"""Event pages: list (filters, export audited), create with specific errors, detail with steps,
QR and history, registering (organiser and union bulk), registration pages, statistics, photos
served privately, the member pages and the QR check-in page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.services.models.events import Event, Registration
from gonghui.services.services import events as services
from gonghui.services.testing.events import event, linked_member, people, registered

pytestmark = pytest.mark.django_db


def _web(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_and_export(tree):
    event(tree, title="篮球赛")
    event(tree, title="书法讲座", kind="LECTURE")
    web = _web(tree.town1_cadre)
    r = web.get(reverse("services:event_list"), {"kind": "LECTURE"})
    assert r.status_code == 200 and [e.title for e in r.context["page"].items] == ["书法讲座"]
    r = web.get(reverse("services:event_list"), {"q": "篮球"})
    assert [e.title for e in r.context["page"].items] == ["篮球赛"]
    r = web.get(reverse("services:event_export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="services.event_export").exists()


def test_offered_tab_lists_events_from_above_read_only(tree):
    finished = event(tree, title="城厢往届运动会", status="FINISHED", starts_in_days=-30)   # town1's, finished
    published = event(tree, org=tree.district, title="区职工歌咏比赛")                      # the district's
    event(tree, title="城厢草稿", status="DRAFT")                                         # not offered
    other = event(tree, org=tree.town2, title="北干运动会", status="FINISHED", starts_in_days=-30)
    ours = event(tree, org=tree.union1, title="本会读书会")
    web = _web(tree.union1_chair)
    r = web.get(reverse("services:event_list"), {"source": "offered"})
    assert r.status_code == 200 and r.context["can_see_offered"] and r.context["offered"]
    items = r.context["page"].items
    assert [e.pk for e in items] == [published.pk, finished.pk]  # newest first; no draft, no town2, not ours
    assert other not in items and ours not in items
    assert not r.context["can_create"] and not r.context["can_export"]  # read only
    assert "?source=offered" in r.content.decode()  # the tab
    r = web.get(reverse("services:event_list"), {"source": "offered", "status": "FINISHED"})
    assert [e.pk for e in r.context["page"].items] == [finished.pk]
    assert [e.pk for e in web.get(reverse("services:event_list")).context["page"].items] == [ours.pk]
    detail = web.get(reverse("services:event_detail", args=[finished.pk]))
    assert detail.status_code == 200 and detail.context["offered"] and not detail.context["can_change"]
    # The district has nothing above it: no tab, and the offered filter lists nothing.
    r = _web(tree.district_staff).get(reverse("services:event_list"), {"source": "offered"})
    assert not r.context["can_see_offered"] and r.context["page"].items == []


def test_create_page_specific_errors_then_saves(tree):
    web = _web(tree.town1_cadre)
    assert web.get(reverse("services:event_create")).status_code == 200
    starts = (timezone.localtime() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    data = {"org": tree.town1.pk, "title": "歌咏比赛", "kind": "CULTURE", "place": "文化站",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "ends_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "capacity": 50, "waitlist_limit": 5}
    r = web.post(reverse("services:event_create"), data)
    assert r.status_code == 400 and "ends_at" in r.context["form"].errors
    assert not Event.objects.exists()
    data["ends_at"] = (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = web.post(reverse("services:event_create"), data)
    e = Event.objects.get()
    assert r.status_code == 302 and e.status == "DRAFT"
    r = web.post(reverse("services:event_step", args=[e.pk, "publish"]), {"step-reason": ""})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.status == "PUBLISHED"


def test_detail_shows_steps_qr_and_history(tree):
    e = event(tree)
    registered(tree, e)
    r = _web(tree.town1_cadre).get(reverse("services:event_detail", args=[e.pk]))
    assert r.status_code == 200
    assert [s[0] for s in r.context["steps"]] == ["close", "cancel"]
    assert "<svg" in r.context["qr"] and r.context["history"] is not None
    r = _web(tree.union2_chair).get(reverse("services:event_detail", args=[e.pk]))
    assert r.status_code == 404  # another town's event is not offered to union2


def test_cancel_step_needs_a_reason_on_the_page(tree):
    e = event(tree)
    web = _web(tree.town1_cadre)
    r = web.post(reverse("services:event_step", args=[e.pk, "cancel"]), {"step-reason": ""})
    assert r.status_code == 400
    e.refresh_from_db()
    assert e.status == "PUBLISHED"


def test_union_bulk_registration_page(tree):
    e = event(tree, capacity=5)
    ps = people(tree, 2)
    web = _web(tree.union1_chair)
    r = web.get(reverse("services:event_register", args=[e.pk]))
    assert r.status_code == 200 and r.context["org"] == tree.union1
    r = web.post(reverse("services:event_register", args=[e.pk]), {"org": tree.union1.pk,
                                                                   "people": [p.pk for p in ps]})
    assert r.status_code == 302
    assert Registration.objects.filter(event=e, channel="UNION").count() == 2
    # the list page offers the town's event to the union
    r = web.get(reverse("services:event_list"))
    assert e in r.context["open_offered"] or Registration.objects.filter(event=e).exists()


def test_organiser_registers_one_by_id_number(tree):
    from gonghui.core.testing.factories import _unique_id_number

    e = event(tree)
    number = _unique_id_number(datetime.date(1988, 3, 4), "M")
    m = tree.member(id_number=number)
    web = _web(tree.town1_cadre)
    r = web.post(reverse("services:event_register", args=[e.pk]), {"one": "1", "one-id_number": "123"})
    assert r.status_code == 400 and "id_number" in r.context["one_form"].errors
    r = web.post(reverse("services:event_register", args=[e.pk]), {"one": "1", "one-id_number": number})
    assert r.status_code == 302 and Registration.objects.filter(event=e, person=m.person, channel="STAFF").exists()


def test_registration_pages_and_cancel(tree):
    e = event(tree, capacity=1, waitlist_limit=1)
    x = registered(tree, e)
    w = registered(tree, e)
    web = _web(tree.union1_chair)
    r = web.get(reverse("services:registration_list"), {"event": e.pk})
    assert r.status_code == 200 and r.context["page"].count == 2
    assert web.get(reverse("services:registration_detail", args=[x.pk])).context["can_cancel"]
    r = web.post(reverse("services:registration_cancel", args=[x.pk]), {"cancel-reason": "出差"})
    assert r.status_code == 302
    w.refresh_from_db()
    assert w.status == "REGISTERED"
    r = web.get(reverse("services:registration_export"), {"event": e.pk})
    assert r.status_code == 200
    assert AuditEvent.objects.filter(action="services.event_registrations_export").exists()


def test_stats_page_and_export(tree):
    e = event(tree, capacity=5)
    x = registered(tree, e)
    registered(tree, e)
    Registration.objects.filter(pk=x.pk).update(checked_in_at=timezone.now(), checkin_method="LIST")
    web = _web(tree.district_staff)
    r = web.get(reverse("services:event_stats"), {"year": e.starts_at.year})
    stats = r.context["stats"]
    assert r.status_code == 200 and (stats.total.registrations, stats.total.checkins) == (2, 1)
    assert str(stats.total.rate) == "50.0" and r.context["chart"]["series"][0]["data"] == [2]
    r = web.get(reverse("services:event_stats_export"), {"year": e.starts_at.year})
    assert r.status_code == 200
    assert AuditEvent.objects.filter(action="services.event_stats_export").exists()


def test_photo_upload_and_private_response(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    e = event(tree)
    web = _web(tree.town1_cadre)
    r = web.post(reverse("services:event_photo_add", args=[e.pk]),
                 {"photo-image": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)})
    assert r.status_code == 302
    photo = e.photos.get()
    r = web.get(reverse("services:event_photo", args=[e.pk, photo.pk]))
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    assert _web(tree.town2_cadre).get(reverse("services:event_photo", args=[e.pk, photo.pk])).status_code == 404
    r = web.post(reverse("services:event_photo_add", args=[e.pk]),
                 {"photo-image": SimpleUploadedFile("x.png", b"GIF89a" + b"\x00" * 32)})
    assert r.status_code == 400 and e.photos.count() == 1


def test_member_pages_register_cancel_and_check_in(tree):
    person = linked_member(tree)
    e = event(tree, capacity=1, waitlist_limit=1)
    web = _web(tree.member_user)
    r = web.get(reverse("services:my_events"))
    assert r.status_code == 200 and [x.pk for x in r.context["open_events"]] == [e.pk]
    assert web.post(reverse("services:my_event_register", args=[e.pk])).status_code == 302
    x = Registration.objects.get(event=e, person=person)
    assert x.channel == "SELF" and x.status == "REGISTERED"
    Event.objects.filter(pk=e.pk).update(starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(hours=1))
    url = reverse("services:event_checkin", args=[e.pk]) + "?t=" + services.checkin_token(e)
    r = web.get(url)
    assert r.status_code == 200 and not r.context["result"].already
    assert web.get(reverse("services:event_checkin", args=[e.pk]) + "?t=bad").status_code == 400
    e2 = event(tree)
    web.post(reverse("services:my_event_register", args=[e2.pk]))
    y = Registration.objects.get(event=e2, person=person)
    assert web.post(reverse("services:my_event_cancel", args=[y.pk])).status_code == 302
    y.refresh_from_db()
    assert y.status == "CANCELLED"


def test_member_pages_404_without_a_person(tree):
    web = _web(tree.member_user)
    assert web.get(reverse("services:my_events")).status_code == 404
    other = registered(tree, event(tree))
    linked_member(tree)
    assert web.post(reverse("services:my_event_cancel", args=[other.pk])).status_code == 404
