"""Permission matrix of events: role × page/action, in scope / out of scope.

A town1 event with a union1 member's registration: the district and town1 (the organiser's
subtree) see and run the event; union1 (the member's union) sees and may cancel the registration
and reads the town's published event (offered from above) but never changes it (404); town2 and
union2 get 404; members and outsiders have no staff page
(403 on lists, 404 on records) and act only through /services/my/events/. At the service level a
refusal is PermissionDenied and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.services.models.events import Event, Registration
from gonghui.services.services import events as services
from gonghui.services.testing.events import event, people, registered

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
ORGANISERS = {"district_staff", "town1_cadre"}
REG_VIEWERS = ORGANISERS | {"union1_chair", "union1_staff"}
STAFF = REG_VIEWERS | {"town2_cadre", "union2_chair"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_actions(tree, role):
    e = event(tree)
    x = registered(tree, e)
    web = Client()
    web.force_login(getattr(tree, role))
    codes = {
        "list": web.get(reverse("services:event_list")).status_code,
        "regs": web.get(reverse("services:registration_list")).status_code,
        "stats": web.get(reverse("services:event_stats")).status_code,
        "export": web.get(reverse("services:event_export")).status_code,
        "create": web.get(reverse("services:event_create")).status_code,
        "detail": web.get(reverse("services:event_detail", args=[e.pk])).status_code,
        "edit": web.get(reverse("services:event_edit", args=[e.pk])).status_code,
        "reg": web.get(reverse("services:registration_detail", args=[x.pk])).status_code,
    }
    listing = 200 if role in STAFF else 403
    assert codes["list"] == codes["regs"] == codes["stats"] == codes["export"] == codes["create"] == listing, role
    # the town's published event is offered to the unions below it: read only (no edit, no steps)
    assert codes["detail"] == (200 if role in REG_VIEWERS else 404), role
    assert codes["edit"] == (200 if role in ORGANISERS else 404), role
    assert codes["reg"] == (200 if role in REG_VIEWERS else 404), role
    step = web.post(reverse("services:event_step", args=[e.pk, "close"]), {"step-reason": ""}).status_code
    rotate = web.post(reverse("services:event_rotate", args=[e.pk])).status_code
    cancel = web.post(reverse("services:registration_cancel", args=[x.pk]), {"cancel-reason": ""}).status_code
    e.refresh_from_db()
    x.refresh_from_db()
    if role in ORGANISERS:
        assert (step, rotate, e.status) == (302, 302, "CLOSED"), role
    else:
        assert (step, rotate, e.status) == (404, 404, "PUBLISHED"), role
    if role in REG_VIEWERS:
        assert (cancel, x.status) == (302, "CANCELLED"), role
    else:
        assert (cancel, x.status) == (404, "REGISTERED"), role


ALLOWED = {
    "register": ORGANISERS,
    "bulk": REG_VIEWERS,  # change on union1
    "step": ORGANISERS,
    "cancel": REG_VIEWERS,
}


def _call(action, user, tree, e):
    if action == "register":
        return services.register(actor=user, event=e, person=people(tree, 1)[0])
    if action == "bulk":
        return services.register_members(actor=user, event=e, union=tree.union1, people=people(tree, 1))
    if action == "step":
        return services.step(actor=user, event=e, name="close")
    return services.cancel_registration(actor=user, registration=registered(tree, e))


@pytest.mark.parametrize("action", list(ALLOWED))
def test_service_matrix(tree, action):
    for role in ROLES:
        e = event(tree, capacity=50)
        user = getattr(tree, role)
        if role in ALLOWED[action]:
            assert _call(action, user, tree, e) is not None, role
            continue
        x = registered(tree, e) if action == "cancel" else None
        before = (list(Registration.objects.order_by("pk").values_list("pk", "status")),
                  Event.objects.get(pk=e.pk).status)
        with pytest.raises(PermissionDenied):
            if x is not None:
                services.cancel_registration(actor=user, registration=x)
            else:
                _call(action, user, tree, e)
        after = (list(Registration.objects.order_by("pk").values_list("pk", "status")),
                 Event.objects.get(pk=e.pk).status)
        assert after == before, role


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope(tree, role):
    e = event(tree)
    x = registered(tree, e)
    api = api_as(getattr(tree, role))
    get = api.get(f"/events/{e.pk}").status_code
    close = api.post(f"/events/{e.pk}/close", {}).status_code
    reg = api.get(f"/event-registrations/{x.pk}").status_code
    cancel = api.post(f"/event-registrations/{x.pk}/cancel", {}).status_code
    assert get == (200 if role in REG_VIEWERS else 404), role  # union1: offered from above, read only
    assert close == (200 if role in ORGANISERS else 404), role
    assert (reg, cancel) == ((200, 200) if role in REG_VIEWERS else (404, 404)), role


def test_union_reads_an_event_offered_from_above_but_never_changes_it(tree):
    """A district event offered to union1: its page (note, only union1's places, photos), the API
    (detail with no actions, `offered=true` list); a draft is not offered; writes stay refused."""
    from gonghui.services.models.events import EventPhoto

    e = event(tree, org=tree.district, capacity=5)
    mine, other = registered(tree, e), registered(tree, e, union=tree.union2)
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = EventPhoto.objects.create(event=e, image=SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
                                      kind="png", caption="合影")
    draft = event(tree, org=tree.district, status="DRAFT")
    web = Client()
    web.force_login(tree.union1_chair)
    r = web.get(reverse("services:event_detail", args=[e.pk]))
    assert r.status_code == 200 and r.context["offered"] is True
    assert [x.pk for x in r.context["registrations"]] == [mine.pk]
    assert other.person.name not in r.content.decode()
    assert not r.context["steps"] and not r.context["can_change"] and not r.context["can_checkin"]
    assert r.context["can_register"] and "qr" not in r.context and r.context["history"] == []
    assert web.get(reverse("services:event_photo", args=[e.pk, photo.pk])).status_code == 200
    assert web.get(reverse("services:event_detail", args=[draft.pk])).status_code == 404
    assert web.get(reverse("services:event_edit", args=[e.pk])).status_code == 404
    assert web.post(reverse("services:event_photo_add", args=[e.pk])).status_code == 404
    api = api_as(tree.union1_chair)
    body = api.get(f"/events/{e.pk}").json()
    assert body["actions"] == {"change": False, "steps": []}
    assert [x["id"] for x in api.get(f"/events/{e.pk}/registrations").json()["items"]] == [mine.pk]
    assert {x["id"] for x in api.get("/events?offered=true&limit=50").json()["items"]} == {e.pk}
    assert api.post(f"/events/{e.pk}/close", {}).status_code == 404
