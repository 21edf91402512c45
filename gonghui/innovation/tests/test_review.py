"""Defects found in review, each pinned by the test that failed before its fix: a submitter id
that is a digit int() refuses (500), closed projects flagged overdue, a planned project's
milestone date read from the UTC creation day, and audit rows missing what a step replaced."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.innovation import services
from gonghui.innovation.models import ProjectStatus, TechProject
from gonghui.innovation.testing import SCORES, days_ago, project, suggestion

pytestmark = pytest.mark.django_db
TODAY = services.today()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("posted", ["²", "٣x", "0", "-1", "9" * 30])
def test_odd_submitter_ids_are_a_form_error_not_a_500(client, tree, posted):
    client.force_login(tree.union1_chair)
    response = client.post(reverse("innovation:create"), {
        "org": tree.union1.pk, "enterprise": tree.enterprise1.pk, "kind": "DESIGN", "title": "工装改进",
        "problem": "换型慢", "proposal": "快换夹具", "submitter_person": posted, "submitted_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "submitter_person" in response.context["form"].errors


def test_scores_given_as_odd_digits_are_refused_with_the_field(tree):
    s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    with pytest.raises(DomainError) as refused:
        services.evaluate_suggestion(actor=tree.union1_chair, suggestion=s, scores={**SCORES, "safety": "²"},
                                     evaluated_on=days_ago(1), evaluators=["张评委"])
    assert (refused.value.code, refused.value.field) == ("score_range", "scores.safety")


def _abandoned_with_an_open_past_milestone(tree):
    p = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                milestones=[("现状调研", days_ago(20), days_ago(25)), ("小批量试验", days_ago(5), None)])
    return services.abandon_project(actor=tree.union1_chair, project=p, abandoned_on=days_ago(1), reason="设备停产")


def test_a_closed_projects_open_milestones_are_not_overdue(client, tree):
    abandoned = _abandoned_with_an_open_past_milestone(tree)
    running = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title="仍在进行",
                      milestones=[("现状调研", days_ago(5), None)])
    api = api_as(tree.union1_chair)
    rows = {row["id"]: row["overdue"] for row in api.get("/tech-projects").json()["items"]}
    assert rows == {abandoned.pk: False, running.pk: True}
    detail = api.get(f"/tech-projects/{abandoned.pk}").json()
    assert not detail["overdue"] and not any(m["overdue"] for m in detail["milestone_list"])
    assert api.get(f"/tech-projects/{running.pk}").json()["overdue"]
    # the flag and the filter agree
    assert [r["id"] for r in api.get("/tech-projects", {"overdue": True}).json()["items"]] == [running.pk]
    client.force_login(tree.union1_chair)
    page = client.get(reverse("innovation:project_detail", args=[abandoned.pk]))
    assert page.context["overdue"] == 0 and not any(r["overdue"] for r in page.context["milestones"])


def test_a_planned_projects_first_day_is_its_local_creation_day(tree):
    p = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, status=ProjectStatus.PLANNED)
    # recorded at 01:00 in Shanghai: 17:00 UTC the day before
    local_day = days_ago(3)
    created = timezone.make_aware(datetime.datetime.combine(local_day, datetime.time(1, 0)))
    TechProject.objects.filter(pk=p.pk).update(created_at=created)
    p.refresh_from_db()
    assert created.astimezone(datetime.UTC).date() < local_day
    chair = tree.union1_chair
    with pytest.raises(DomainError) as refused:
        services.add_milestone(actor=chair, project=p, title="调研", due_on=local_day - datetime.timedelta(1))
    assert (refused.value.code, refused.value.field) == ("date_order", "due_on")
    assert services.add_milestone(actor=chair, project=p, title="调研", due_on=local_day).due_on == local_day


def test_a_reevaluation_keeps_the_replaced_scores_in_the_trail(tree):
    s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    services.evaluate_suggestion(actor=tree.union1_chair, suggestion=s, scores=SCORES, evaluated_on=days_ago(3),
                                 evaluators=["张评委"])
    services.evaluate_suggestion(actor=tree.union1_chair, suggestion=s, scores={**SCORES, "safety": 15},
                                 evaluated_on=days_ago(2), evaluators=["张评委"])
    first, second = AuditEvent.objects.filter(action="innovation.evaluate").order_by("id")
    assert "scores" not in (first.before or {})
    assert second.before["scores"] == first.after["scores"]
    assert "15/15" in second.after["scores"] and "12/15" in second.before["scores"]


def test_a_milestone_done_is_audited_with_before_and_after(tree):
    p = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                milestones=[("现状调研", days_ago(5), None)])
    m = p.milestones.get()
    services.complete_milestone(actor=tree.union1_chair, project=p, milestone_id=m.pk, done_on=days_ago(1))
    event = AuditEvent.objects.get(action="innovation.milestone_done")
    assert event.before["done_on"] is None and event.after["done_on"] == days_ago(1).isoformat()
