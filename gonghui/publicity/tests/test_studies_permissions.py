"""Permission matrix of study sessions: role × page/action. A session is visible in the subtree of
its organiser: one of union1 to the district, town1 and union1's chair and staff (who also change
it); one of town1 only to the district and town1. town2 and union2 get 404 on records; members and
outsiders have no role (403 on lists, 404 on records); "my study sessions" is any user's own."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.publicity.models.studies import StudySession
from gonghui.publicity.services import studies as services
from gonghui.publicity.testing.studies import session, started

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
# A session organised by town1: only the district and town1 have town1 in their reach.
SEES_TOWN1 = {"district_staff", "town1_cadre"}
# A session organised by union1: also union1's chair and staff.
SEES_UNION1 = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
LIST = {"district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair"}

ACTIONS = {
    "update": lambda u, s: services.update_session(actor=u, session=s, title="改"),
    "invite": lambda u, s: services.invite(actor=u, session=s, whole_subtree=True),
    "material": lambda u, s: services.add_material(actor=u, session=s, upload=_pdf()),
    "cancel": lambda u, s: services.cancel_session(actor=u, session=s, reason="改期"),
}


def _pdf():
    from gonghui.publicity.testing.studies import pdf_upload

    return pdf_upload()


@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role):
    user = getattr(tree, role)
    for action, run in ACTIONS.items():
        s = session(tree, org=tree.union1, invite=False)
        if role in SEES_UNION1:
            assert run(user, s) is not None or action == "invite", action
        else:
            with pytest.raises(PermissionDenied):
                run(user, s)
            assert StudySession.objects.get(pk=s.pk).status == "PLANNED"


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api(tree, role):
    s = started(tree, org=tree.union1)
    services.add_material(actor=tree.district_staff, session=s, upload=_pdf())
    m = s.materials.first()
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    codes = {
        "detail": c.get(reverse("publicity:study_detail", args=[s.pk])).status_code,
        "sheet": c.get(reverse("publicity:study_attendance", args=[s.pk])).status_code,
        "material": c.get(reverse("publicity:study_material", args=[s.pk, m.pk])).status_code,
        "edit": c.get(reverse("publicity:study_edit", args=[s.pk])).status_code,
        "hold": c.post(reverse("publicity:study_step", args=[s.pk, "hold"])).status_code,
        "api": api_as(user).get(f"/study-sessions/{s.pk}").status_code,
    }
    if role in SEES_UNION1:
        assert codes == {"detail": 200, "sheet": 200, "material": 200, "edit": 200, "hold": 302, "api": 200}, role
        assert StudySession.objects.get(pk=s.pk).status == "HELD"
    else:
        assert set(codes.values()) == {404}, (role, codes)
        assert StudySession.objects.get(pk=s.pk).status == "PLANNED"
    listing = c.get(reverse("publicity:study_list")).status_code
    export = c.get(reverse("publicity:study_export")).status_code
    stats = c.get(reverse("publicity:study_stats")).status_code
    api_list = api_as(user).get("/study-sessions").status_code
    allowed = role in LIST
    assert (listing, export, stats, api_list) == ((200, 200, 200, 200) if allowed else (403, 403, 403, 403)), role
    # "my study sessions" is every signed-in user's own page
    assert c.get(reverse("publicity:my_studies")).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_town_session_is_out_of_reach_of_unions(tree, role):
    s = session(tree)  # town1
    c = Client()
    c.force_login(getattr(tree, role))
    expected = 200 if role in SEES_TOWN1 else 404
    assert c.get(reverse("publicity:study_detail", args=[s.pk])).status_code == expected


def test_my_pages_show_only_own_invitations(tree):
    s = session(tree)
    services.add_material(actor=tree.district_staff, session=s, upload=_pdf())
    m = s.materials.first()
    invited, other = Client(), Client()
    invited.force_login(tree.union1_staff)  # invited (cadre under town1)
    other.force_login(tree.town2_cadre)
    assert s.title in invited.get(reverse("publicity:my_studies")).content.decode()
    assert invited.get(reverse("publicity:my_study_detail", args=[s.pk])).status_code == 200
    assert invited.get(reverse("publicity:my_study_material", args=[s.pk, m.pk])).status_code == 200
    assert s.title not in other.get(reverse("publicity:my_studies")).content.decode()
    assert other.get(reverse("publicity:my_study_detail", args=[s.pk])).status_code == 404
    assert other.get(reverse("publicity:my_study_material", args=[s.pk, m.pk])).status_code == 404
    anon = Client()
    assert anon.get(reverse("publicity:my_studies")).status_code == 302
