"""Permission matrix of appeal handling, for an appeal held by union1 (town1): the district, the
town1 cadre and union1's chair and staff see and handle it; town2 and union2 get 404 on pages and
API (PermissionDenied in the services); members and outsiders have no role (403 on the list, 404
on the record). Only the district and town1 dispatch (when it is held at their level); the full
mobile is for `members.reveal_pii` holders (district, town1, union1's chair — never staff)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.voice.models.appeals import Appeal
from gonghui.voice.services import appeals as services
from gonghui.voice.testing.appeals import appeal, handling

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
IN_SCOPE = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
ALLOWED = {
    "accept": IN_SCOPE, "note": IN_SCOPE, "reply": IN_SCOPE, "close": IN_SCOPE,
    "transfer_up": IN_SCOPE, "transfer_down": {"district_staff", "town1_cadre"},
    "dispatch": {"district_staff", "town1_cadre"},
    "reveal": {"district_staff", "town1_cadre", "union1_chair"},
}
SETUP = {"accept": lambda t: appeal(t), "note": lambda t: appeal(t), "reply": lambda t: handling(t),
         "close": lambda t: handling(t), "transfer_up": lambda t: appeal(t),
         "transfer_down": lambda t: appeal(t, org=t.town1), "dispatch": lambda t: appeal(t, org=t.town1),
         "reveal": lambda t: appeal(t)}
ACTIONS = {
    "accept": lambda u, a, t: services.accept(actor=u, appeal=a),
    "note": lambda u, a, t: services.add_note(actor=u, appeal=a, text="内部"),
    "reply": lambda u, a, t: services.reply(actor=u, appeal=a, text="答复"),
    "close": lambda u, a, t: services.close(actor=u, appeal=a, result="RESOLVED", result_text="已解决"),
    "transfer_up": lambda u, a, t: services.transfer(actor=u, appeal=a, to_org=t.town1, reason="上交"),
    "transfer_down": lambda u, a, t: services.transfer(actor=u, appeal=a, to_org=t.union1, reason="下转"),
    "dispatch": lambda u, a, t: services.dispatch(actor=u, appeal=a, to_org=t.union1),
    "reveal": lambda u, a, t: services.reveal_phone(actor=u, appeal=a),
}


@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role):
    user = getattr(tree, role)
    for action, run in ACTIONS.items():
        a = SETUP[action](tree)
        before = (Appeal.objects.get(pk=a.pk).status, Appeal.objects.get(pk=a.pk).org_id, a.events.count())
        if role in ALLOWED[action]:
            assert run(user, a, tree) is not None, action
        else:
            with pytest.raises(PermissionDenied):
                run(user, a, tree)
            after = Appeal.objects.get(pk=a.pk)
            assert (after.status, after.org_id, a.events.count()) == before, action


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_404_out_of_scope(tree, role):
    a = appeal(tree)
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    detail = c.get(reverse("voice:appeal_detail", args=[a.pk])).status_code
    step = c.post(reverse("voice:appeal_step", args=[a.pk, "note"]), {"note-text": "内部"}).status_code
    move = c.get(reverse("voice:appeal_move", args=[a.pk, "down"])).status_code
    api = api_as(user)
    api_get = api.get(f"/appeals/{a.pk}").status_code
    api_note = api.post(f"/appeals/{a.pk}/note", {"text": "内部"}).status_code
    listing = c.get(reverse("voice:appeal_list")).status_code
    export = c.get(reverse("voice:appeal_export")).status_code
    api_list = api.get("/appeals").status_code
    if role in IN_SCOPE:
        assert (detail, step, move, api_get, api_note) == (200, 302, 200, 200, 200), role
        assert a.events.filter(kind="NOTE").count() == 2
    else:
        assert (detail, step, move, api_get, api_note) == (404, 404, 404, 404, 404), role
        assert not a.events.filter(kind="NOTE").exists()
    no_role = role in ("member_user", "outsider")
    assert listing == (403 if no_role else 200) and export == (403 if no_role else 200), role
    assert api_list == (403 if no_role else 200), role


def test_anonymous_is_sent_to_login(tree):
    a = appeal(tree)
    c = Client()
    for url in (reverse("voice:appeal_list"), reverse("voice:appeal_detail", args=[a.pk])):
        assert c.get(url).status_code == 302
