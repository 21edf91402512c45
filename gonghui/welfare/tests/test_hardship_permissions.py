"""Permission matrix of hardship files: role × action, for a union1 (town1) file. The district,
the town1 cadre and union1's chair and staff open and fill files (`welfare.change`); chairs and
staff submit; only the district and town1 review, do the yearly review and exits; reveal is the
district's, town1's and union1's chair's (never staff). town2 and union2 do not see the file (404
on pages and API, PermissionDenied in the services); members and outsiders have no role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.welfare.models.hardship import HardshipFile
from gonghui.welfare.services import hardship as services
from gonghui.welfare.testing.hardship import active, draft, submitted

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
CHANGE = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
ALLOWED = {
    "create": CHANGE,
    "income": CHANGE,
    "submit": {"district_staff", "union1_chair", "union1_staff"},
    "review": {"district_staff", "town1_cadre"},
    "yearly": {"district_staff", "town1_cadre"},
    "exit": {"district_staff", "town1_cadre"},
    "reveal": {"district_staff", "town1_cadre", "union1_chair"},
}
SETUP = {"create": draft, "income": draft, "submit": draft, "review": submitted, "yearly": active, "exit": active,
         "reveal": draft}
ACTIONS = {
    "create": lambda u, f, t: services.create_file(actor=u, org=t.union1, person=t.member().person, reason="因病"),
    "income": lambda u, f, t: services.add_income(actor=u, file=f, kind="WAGES", annual_amount="100"),
    "submit": lambda u, f, t: services.submit_file(actor=u, file=f),
    "review": lambda u, f, t: services.review_file(actor=u, file=f, decision="ACCEPTED"),
    "yearly": lambda u, f, t: services.yearly_review(actor=u, file=f),
    "exit": lambda u, f, t: services.exit_file(actor=u, file=f, kind="LEFT"),
    "reveal": lambda u, f, t: services.reveal_file(actor=u, file=f),
}


@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role):
    user = getattr(tree, role)
    for action, run in ACTIONS.items():
        f = SETUP[action](tree)
        before = (HardshipFile.objects.count(), HardshipFile.objects.get(pk=f.pk).status)
        if role in ALLOWED[action]:
            assert run(user, f, tree) is not None, action
        else:
            with pytest.raises(PermissionDenied):
                run(user, f, tree)
            assert (HardshipFile.objects.count(), HardshipFile.objects.get(pk=f.pk).status) == before, action


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_404_out_of_scope(tree, role):
    f = draft(tree)
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    detail = c.get(reverse("welfare:file_detail", args=[f.pk])).status_code
    step = c.post(reverse("welfare:file_step", args=[f.pk, "income"]),
                  {"income-kind": "WAGES", "income-annual_amount": "100"}).status_code
    api = api_as(user)
    api_get = api.get(f"/hardship-files/{f.pk}").status_code
    listing = c.get(reverse("welfare:file_list")).status_code
    export = c.get(reverse("welfare:file_export")).status_code
    if role in CHANGE:
        assert (detail, step, api_get) == (200, 302, 200)
        assert HardshipFile.objects.get(pk=f.pk).household_size == 3
    else:
        assert (detail, step, api_get) == (404, 404, 404), role
    no_role = role in ("member_user", "outsider")
    assert listing == (403 if no_role else 200) and export == (403 if no_role else 200), role
