"""Permission matrix of 名师带徒: role × action × in scope / out of scope, for a union1 (town1)
pair. The district, the town1 cadre and union1's chair and staff act (`training.change`); the
town2 cadre and union2's chair do not see it (404 on pages and API, PermissionDenied in the
services); members and outsiders have no role (403 on the lists, 404 on the record)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.training.models.mentoring import Mentorship, MentorshipReport, MentorshipStatus
from gonghui.training.services import mentoring as services
from gonghui.training.testing.mentoring import pair, write_reports

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
IN_SCOPE = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
DAY = services.datetime.timedelta(days=1)


def create(user, tree):
    start = services.today()
    return services.create_mentorship(actor=user, org=tree.union1, apprentice=tree.member().person,
                                      master_person=tree.member().person, trade="电工", starts_on=start,
                                      ends_on=services.add_months(start, 12) - DAY, goals="x",
                                      target_skill_level="LEVEL5")


ACTIONS = {
    "create": lambda u, m, t: create(u, t),
    "report": lambda u, m, t: services.submit_report(actor=u, mentorship=m, content="进步"),
    "assess": lambda u, m, t: services.assess(actor=u, mentorship=write_reports(t, m),
                                              result="PASS", score=80, new_skill_level="LEVEL5"),
    "end": lambda u, m, t: services.end_mentorship(actor=u, mentorship=m, reason="调岗"),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, action, role):
    m = pair(tree)
    if action == "assess":
        m = write_reports(tree, m)
    user = getattr(tree, role)
    before = (Mentorship.objects.count(), MentorshipReport.objects.count())
    if role in IN_SCOPE:
        assert ACTIONS[action](user, m, tree) is not None
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](user, m, tree)
        assert (Mentorship.objects.count(), MentorshipReport.objects.count()) == before
        assert Mentorship.objects.get(pk=m.pk).status == MentorshipStatus.ACTIVE


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_404_out_of_scope(tree, role):
    m = pair(tree)
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    detail = c.get(reverse("training:mentoring_detail", args=[m.pk])).status_code
    end = c.post(reverse("training:mentoring_step", args=[m.pk, "end"]),
                 {"end-ended_on": services.today().isoformat(), "end-reason": "调岗"}).status_code
    api = api_as(user)
    api_get = api.get(f"/mentorships/{m.pk}").status_code
    listing = c.get(reverse("training:mentoring_list")).status_code
    export = c.get(reverse("training:mentoring_export")).status_code
    if role in IN_SCOPE:
        assert (detail, end, api_get) == (200, 302, 200)
        assert Mentorship.objects.get(pk=m.pk).status == MentorshipStatus.ENDED
    else:
        assert (detail, end, api_get) == (404, 404, 404), role
        assert Mentorship.objects.get(pk=m.pk).status == MentorshipStatus.ACTIVE
    no_role = role in ("member_user", "outsider")
    assert listing == (403 if no_role else 200) and export == (403 if no_role else 200), role
