"""Permission matrix of the status area's pages: role × page × in/out of scope.

Pages need `congress.view` (every role but MEMBER), exports `congress.export`; an enterprise
outside the user's subtree answers 404 exactly like a missing one; recording a disclosure needs
`congress.change` on the enterprise's union."""

import pytest
from django.urls import reverse

from gonghui.congress.models import Disclosure, DisclosureChannel
from gonghui.congress.wiring import status as wiring
from gonghui.core import audit_labels

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
STAFF = {"district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair"}
REACHES = {  # who reaches the enterprise of union1 / union2
    "enterprise1": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},
    "enterprise2": {"district_staff", "town2_cadre", "union2_chair"},
}
LISTS = ["congress:status", "congress:disclosure_list", "congress:stats", "congress:status_export",
         "congress:disclosure_export", "congress:stats_export"]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("role", ROLES)
def test_list_pages_and_exports(client, tree, role, name):
    client.force_login(getattr(tree, role))
    response = client.get(reverse(name), {"year": 2026})
    assert response.status_code == (200 if role in STAFF else 403)


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_is_sent_to_sign_in(client, tree, name):
    assert client.get(reverse(name)).status_code == 302


@pytest.mark.parametrize("place", ["enterprise1", "enterprise2"])
@pytest.mark.parametrize("role", ROLES)
def test_checklist_view_and_record(client, tree, role, place):
    enterprise = getattr(tree, place)
    url = reverse("congress:disclosure_checklist", args=[enterprise.pk, 2026])
    client.force_login(getattr(tree, role))
    expected = 200 if role in REACHES[place] else 403 if role not in STAFF else 404
    assert client.get(url).status_code == expected
    response = client.post(url, {"item": "WAGES", "disclosed_on": "2026-01-05",
                                 "channel": DisclosureChannel.NOTICE_BOARD})
    assert response.status_code == (302 if role in REACHES[place] else expected)
    assert Disclosure.objects.filter(enterprise=enterprise).exists() == (role in REACHES[place])


@pytest.mark.parametrize("role", ROLES)
def test_delete_in_and_out_of_scope(client, tree, role):
    rows = {place: Disclosure.objects.create(org=getattr(tree, place).union, enterprise=getattr(tree, place),
                                             year=2026, item="SAFETY", disclosed_on="2026-02-01",
                                             channel=DisclosureChannel.MEETING)
            for place in REACHES}
    client.force_login(getattr(tree, role))
    for place, disclosure in rows.items():
        response = client.post(reverse("congress:disclosure_delete", args=[disclosure.pk]))
        allowed = role in REACHES[place]
        assert response.status_code == (302 if allowed else 404)
        assert Disclosure.objects.filter(pk=disclosure.pk).exists() is not allowed


def test_audit_labels_are_registered():
    wiring.ready()
    for code in ("congress.disclosure_record", "congress.disclosure_delete", "congress.export_status",
                 "congress.export_disclosures", "congress.export_stats"):
        assert audit_labels.is_known_action(code)
    assert audit_labels.object_type_label("congress.Export") != "congress.Export"
