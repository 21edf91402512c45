"""Permission matrix of founding applications: role × action × in/out of scope.

An application of an enterprise in town1 is recorded, submitted and withdrawn by the district
and town1's cadre (`grassroots.change` on the town), reviewed and approved by them
(`review`/`approve`), and registered only by the district (`register`). Chairs and staff of
unions have no reach over an enterprise without a union; members and outsiders nothing.
Through the pages: out of scope is 404, visible but not allowed is 403."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gonghui.grassroots.models import FoundingApplication, FoundingStatus
from gonghui.grassroots.services import foundings as services
from gonghui.grassroots.testing.foundings import STEPS, TODAY, application, bare_enterprise, founding_input

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
TOWN_ROLES = {"town1": {"district_staff", "town1_cadre"}, "town2": {"district_staff", "town2_cadre"}}
DISTRICT = {"town1": {"district_staff"}, "town2": {"district_staff"}}

# action: (status the application is in first, who may (by place), what to call)
ACTIONS = {
    "create": (None, TOWN_ROLES, None),
    "edit": (FoundingStatus.DRAFT, TOWN_ROLES, lambda u, a: services.update_application(
        actor=u, application=a, data=founding_input(members_count=41))),
    "submit": (FoundingStatus.DRAFT, TOWN_ROLES, STEPS["submit"]),
    "withdraw": (FoundingStatus.SUBMITTED, TOWN_ROLES, STEPS["withdraw"]),
    "review": (FoundingStatus.SUBMITTED, TOWN_ROLES, STEPS["review"]),
    "return_at_review": (FoundingStatus.SUBMITTED, TOWN_ROLES, STEPS["return"]),
    "refuse_at_review": (FoundingStatus.SUBMITTED, TOWN_ROLES, STEPS["refuse"]),
    "approve": (FoundingStatus.REVIEWED, TOWN_ROLES, STEPS["approve"]),
    "return_at_approval": (FoundingStatus.REVIEWED, TOWN_ROLES, STEPS["return"]),
    "register": (FoundingStatus.APPROVED, DISTRICT, STEPS["register"]),
    "refuse_after_approval": (FoundingStatus.APPROVED, DISTRICT, STEPS["refuse"]),
}


@pytest.mark.parametrize("place", ["town1", "town2"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role, action, place):
    status, allowed, call = ACTIONS[action]
    town = getattr(tree, place)
    ent = bare_enterprise(town)
    user = getattr(tree, role)
    before = None
    if status is not None:
        a = application(tree.district_staff, ent, status)
        before = FoundingApplication.objects.get(pk=a.pk).status
    if role in allowed[place]:
        if call is None:
            services.create_application(actor=user, enterprise=ent, data=founding_input())
            assert FoundingApplication.objects.filter(enterprise=ent).exists()
        else:
            result = call(user, a)
            assert result.status != before or action == "edit"
            if action == "edit":
                assert result.members_count == 41
    else:
        with pytest.raises(PermissionDenied):
            if call is None:
                services.create_application(actor=user, enterprise=ent, data=founding_input())
            else:
                call(user, a)
        if call is None:
            assert not FoundingApplication.objects.filter(enterprise=ent).exists()
        else:
            assert FoundingApplication.objects.get(pk=a.pk).status == before


VIEWERS = {"town1": {"district_staff", "town1_cadre"}}


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_404_out_of_scope_and_403_when_not_allowed(tree, role):
    a = application(tree.district_staff, bare_enterprise(tree.town1), FoundingStatus.APPROVED)
    user = getattr(tree, role)
    client = Client()
    client.force_login(user)
    detail = client.get(f"/grassroots/foundings/{a.pk}/")
    register = client.post(f"/grassroots/foundings/{a.pk}/register/",
                           {"register-registered_on": TODAY.isoformat(), "register-legal_cert_no": "工法证字第9号"})
    if role == "district_staff":
        assert detail.status_code == 200 and register.status_code == 302
        assert FoundingApplication.objects.get(pk=a.pk).status == FoundingStatus.REGISTERED
    elif role == "town1_cadre":  # sees it, may not register (district only)
        assert (detail.status_code, register.status_code) == (200, 403)
    else:
        assert (detail.status_code, register.status_code) == (404, 404)
    if role != "district_staff":
        assert FoundingApplication.objects.get(pk=a.pk).status == FoundingStatus.APPROVED


def test_the_new_unions_chair_sees_its_application_once_registered(tree):
    from gonghui.accounts.roles import Role
    from gonghui.core.testing.factories import user_with_role

    a = application(tree.district_staff, bare_enterprise(tree.town1), FoundingStatus.REGISTERED)
    chair = user_with_role(a.union, Role.UNION_CHAIR)
    client = Client()
    client.force_login(chair)
    assert client.get(f"/grassroots/foundings/{a.pk}/").status_code == 200
    assert client.post(f"/grassroots/foundings/{a.pk}/withdraw/",
                       {"withdraw-withdrawn_on": TODAY.isoformat()}).status_code == 403
    assert list(FoundingApplication.objects.visible_to(tree.union1_chair)) == []


@pytest.mark.parametrize("role", ROLES)
def test_lists_need_the_view_right_and_create_the_change_right(tree, role):
    client = Client()
    client.force_login(getattr(tree, role))
    expected_view = 403 if role in ("member_user", "outsider") else 200
    assert client.get("/grassroots/foundings/").status_code == expected_view
    assert client.get("/grassroots/unorganised/").status_code == expected_view
    ent = bare_enterprise(tree.town1)
    create = client.get(f"/grassroots/foundings/new/?enterprise={ent.pk}")
    if role in ("district_staff", "town1_cadre"):
        assert create.status_code == 200
    elif role in ("member_user", "outsider"):
        assert create.status_code == 403
    else:  # a union's chair or staff, or another town's cadre: the enterprise is not theirs
        assert create.status_code == 404
