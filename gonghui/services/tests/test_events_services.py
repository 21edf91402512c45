"""Registration, capacity, the waiting list and promotion, cancelling, the workflow steps, the
check-in (QR token and list) and photos, at the service level."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.services.models.events import Event, EventKind, EventPhoto, EventStatus, Registration
from gonghui.services.services import events as services
from gonghui.services.testing.events import event, people, registered

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _data(**kw):
    starts = timezone.now() + datetime.timedelta(days=5)
    d = {"title": "职工篮球赛", "kind": EventKind.SPORTS, "description": "", "venue": None, "place": "体育馆",
         "starts_at": starts, "ends_at": starts + datetime.timedelta(hours=2), "reg_opens_on": None,
         "reg_closes_on": None, "capacity": 10, "waitlist_limit": 0}
    d.update(kw)
    return d


def test_create_and_publish_audited(tree):
    e = services.create_event(actor=tree.town1_cadre, org=tree.town1, data=_data())
    assert e.status == EventStatus.DRAFT and e.town == tree.town1
    services.step(actor=tree.town1_cadre, event=e, name="publish")
    e.refresh_from_db()
    assert e.status == EventStatus.PUBLISHED
    actions = set(AuditEvent.objects.filter(object_id=str(e.pk)).values_list("action", flat=True))
    assert {"services.event_create", "services.event_publish"} <= actions


@pytest.mark.parametrize("bad, field, code", [
    ({"title": " "}, "title", "required"),
    ({"ends_at": "same"}, "ends_at", "end_before_start"),
    ({"reg_opens_on": datetime.date(2030, 5, 2), "reg_closes_on": datetime.date(2030, 5, 1)}, "reg_closes_on",
     "window"),
    ({"capacity": 0}, "capacity", "invalid"),
    ({"place": ""}, "place", "required"),
    ({"kind": "PARTY"}, "kind", "invalid"),
])
def test_create_rejects_bad_input_and_saves_nothing(tree, bad, field, code):
    data = _data(**bad)
    if bad.get("ends_at") == "same":
        data["ends_at"] = data["starts_at"]
    with pytest.raises(DomainError) as exc:
        services.create_event(actor=tree.town1_cadre, org=tree.town1, data=data)
    assert (exc.value.field, exc.value.code) == (field, code)
    assert not Event.objects.exists()


def test_registration_closes_after_the_event_day(tree):
    starts = timezone.now() + datetime.timedelta(days=5)
    with pytest.raises(DomainError) as exc:
        services.create_event(actor=tree.town1_cadre, org=tree.town1,
                               data=_data(starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
                                          reg_closes_on=timezone.localdate(starts) + datetime.timedelta(days=1)))
    assert exc.value.field == "reg_closes_on"


def test_capacity_then_waitlist_then_full(tree):
    e = event(tree, capacity=2, waitlist_limit=1)
    a, b, c, d = people(tree, 4)
    assert [registered(tree, e, p).status for p in (a, b, c)] == ["REGISTERED", "REGISTERED", "WAITLISTED"]
    assert Registration.objects.get(event=e, person=c).waitlist_position == 1
    with pytest.raises(DomainError) as exc:
        registered(tree, e, d)
    assert exc.value.code == "full"


def test_cancel_promotes_first_waiting_in_order(tree):
    e = event(tree, capacity=1, waitlist_limit=3)
    first = registered(tree, e)
    w1, w2, w3 = (registered(tree, e) for _ in range(3))
    services.cancel_registration(actor=tree.district_staff, registration=w2)
    services.cancel_registration(actor=tree.district_staff, registration=first)
    w1.refresh_from_db()
    w3.refresh_from_db()
    assert w1.status == "REGISTERED" and w1.promoted_at is not None
    assert (w3.status, w3.waitlist_position) == ("WAITLISTED", 1)
    assert AuditEvent.objects.filter(action="services.event_promote", object_id=str(w1.pk)).exists()


def test_raising_capacity_promotes(tree):
    e = event(tree, capacity=1, waitlist_limit=2)
    registered(tree, e)
    w = registered(tree, e)
    data = {f: getattr(e, f) for f in ("title", "kind", "description", "venue", "place", "starts_at", "ends_at",
                                       "reg_opens_on", "reg_closes_on", "waitlist_limit")}
    services.update_event(actor=tree.town1_cadre, event=e, data={**data, "capacity": 2})
    w.refresh_from_db()
    assert w.status == "REGISTERED"
    with pytest.raises(DomainError) as exc:
        services.update_event(actor=tree.town1_cadre, event=e, data={**data, "capacity": 1})
    assert exc.value.code == "below_taken"


def test_already_registered_and_not_a_member_and_out_of_area(tree):
    e = event(tree)
    p = people(tree, 1)[0]
    registered(tree, e, p)
    with pytest.raises(DomainError) as exc:
        registered(tree, e, p)
    assert exc.value.code == "already_registered"
    other = people(tree, 1, union=tree.union2)[0]
    with pytest.raises(DomainError) as exc:
        registered(tree, e, other)
    assert exc.value.code == "out_of_area"
    from gonghui.core.testing.factories import PersonFactory
    with pytest.raises(DomainError) as exc:
        registered(tree, e, PersonFactory())
    assert exc.value.code == "not_a_member"


def test_registration_window_and_status(tree):
    e = event(tree, status=EventStatus.DRAFT)
    with pytest.raises(DomainError) as exc:
        registered(tree, e)
    assert exc.value.code == "not_open"
    e2 = event(tree, reg_opens_on=timezone.localdate() + datetime.timedelta(days=2))
    with pytest.raises(DomainError) as exc:
        registered(tree, e2)
    assert exc.value.code == "window"
    e3 = event(tree, starts_in_days=-1)
    with pytest.raises(DomainError) as exc:
        registered(tree, e3)
    assert exc.value.code == "started"


def test_bulk_all_or_nothing_with_a_line_per_refused_person(tree):
    e = event(tree, capacity=5, waitlist_limit=0)
    good = people(tree, 2)
    stranger = people(tree, 1, union=tree.union1b)[0]
    already = people(tree, 1)[0]
    registered(tree, e, already)
    with pytest.raises(services.RegistrationRowsError) as exc:
        services.register_members(actor=tree.union1_chair, event=e, union=tree.union1,
                                  people=[*good, stranger, already])
    assert {r["code"] for r in exc.value.rows} == {"not_a_member", "already_registered"}
    assert Registration.objects.filter(event=e).count() == 1
    created = services.register_members(actor=tree.union1_chair, event=e, union=tree.union1, people=good)
    assert [x.channel for x in created] == ["UNION", "UNION"]


def test_bulk_too_many_for_the_places(tree):
    e = event(tree, capacity=1, waitlist_limit=1)
    with pytest.raises(services.RegistrationRowsError) as exc:
        services.register_members(actor=tree.union1_chair, event=e, union=tree.union1, people=people(tree, 3))
    assert [r["code"] for r in exc.value.rows] == ["full"]
    assert not Registration.objects.filter(event=e).exists()


def test_cancel_event_cancels_every_place_and_needs_a_reason(tree):
    e = event(tree)
    x = registered(tree, e)
    with pytest.raises(DomainError) as exc:
        services.step(actor=tree.town1_cadre, event=e, name="cancel", reason="")
    assert exc.value.field == "reason"
    services.step(actor=tree.town1_cadre, event=e, name="cancel", reason="天气原因")
    x.refresh_from_db()
    assert x.status == "CANCELLED" and "天气原因" in x.cancel_reason


def test_wrong_steps_refused(tree):
    e = event(tree)
    with pytest.raises(DomainError) as exc:
        services.step(actor=tree.town1_cadre, event=e, name="publish")
    assert exc.value.code == "wrong_stage"
    services.step(actor=tree.town1_cadre, event=e, name="close")
    with pytest.raises(DomainError) as exc:
        services.step(actor=tree.town1_cadre, event=e, name="finish")
    assert exc.value.code == "not_started"


def test_qr_check_in_once_and_rotation(tree, settings):
    e = event(tree, hours=2)
    p = people(tree, 1)[0]
    registered(tree, e, p)
    Event.objects.filter(pk=e.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=10),
                                         ends_at=timezone.now() + datetime.timedelta(hours=1))
    token = services.checkin_token(e)
    first = services.check_in(actor=tree.member_user, person=p, event_pk=e.pk, token=token)
    again = services.check_in(actor=tree.member_user, person=p, event_pk=e.pk, token=token)
    assert not first.already and again.already and first.registration.checkin_method == "QR"
    services.rotate_checkin_token(actor=tree.town1_cadre, event=e)
    with pytest.raises(DomainError) as exc:
        services.check_in(actor=tree.member_user, person=p, event_pk=e.pk, token=token)
    assert exc.value.code == "invalid_token"


def test_qr_check_in_refusals(tree):
    e = event(tree, starts_in_days=3)
    p, w, stranger = people(tree, 3)
    e.capacity = 1
    e.save()
    registered(tree, e, p)
    registered(tree, e, w)
    token = services.checkin_token(e)
    with pytest.raises(DomainError) as exc:
        services.check_in(actor=None, person=p, event_pk=e.pk, token=token)
    assert exc.value.code == "too_early"
    Event.objects.filter(pk=e.pk).update(starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(hours=1))
    for person, code in ((w, "not_registered"), (stranger, "not_registered")):
        with pytest.raises(DomainError) as exc:
            services.check_in(actor=None, person=person, event_pk=e.pk, token=token)
        assert exc.value.code == code
    with pytest.raises(DomainError) as exc:
        services.check_in(actor=None, person=p, event_pk=e.pk + 1, token=token)
    assert exc.value.code == "invalid_token"


def test_list_check_in(tree):
    e = event(tree, capacity=1, waitlist_limit=1)
    x = registered(tree, e)
    w = registered(tree, e)
    with pytest.raises(DomainError) as exc:
        services.check_in_list(actor=tree.town1_cadre, event=e, registration_ids=[x.pk])
    assert exc.value.code == "too_early"
    Event.objects.filter(pk=e.pk).update(starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(hours=1))
    e.refresh_from_db()
    with pytest.raises(DomainError):
        services.check_in_list(actor=tree.town1_cadre, event=e, registration_ids=[x.pk, w.pk])
    assert services.check_in_list(actor=tree.town1_cadre, event=e, registration_ids=[x.pk]) == 1
    x.refresh_from_db()
    assert x.checkin_method == "LIST"
    with pytest.raises(DomainError) as exc:
        services.cancel_registration(actor=tree.town1_cadre, registration=x)
    assert exc.value.code == "checked_in"
    with pytest.raises(PermissionDenied):
        services.check_in_list(actor=tree.union1_chair, event=e, registration_ids=[x.pk])


@pytest.mark.parametrize("content, name, ok", [(PNG, "a.png", True), (JPG, "b.jpg", True),
                                                (b"%PDF-1.4 xx", "c.png", False), (b"MZ\x90\x00", "d.jpg", False)])
def test_photos_images_only(tree, settings, tmp_path, content, name, ok):
    settings.MEDIA_ROOT = tmp_path
    e = event(tree)
    upload = SimpleUploadedFile(name, content)
    if ok:
        photo = services.add_photo(actor=tree.town1_cadre, event=e, upload=upload, caption="合影")
        assert photo.kind in ("png", "jpeg")
        services.delete_photo(actor=tree.town1_cadre, photo=photo)
        assert not EventPhoto.objects.exists()
    else:
        with pytest.raises(DomainError) as exc:
            services.add_photo(actor=tree.town1_cadre, event=e, upload=upload)
        assert exc.value.field == "image"
        assert not EventPhoto.objects.exists()


def test_photo_too_large(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SERVICES_EVENTS_RULES = {"photo_max_bytes": 100}
    e = event(tree)
    with pytest.raises(DomainError) as exc:
        services.add_photo(actor=tree.town1_cadre, event=e, upload=SimpleUploadedFile("a.png", PNG + b"0" * 200))
    assert exc.value.code == "too_large"
