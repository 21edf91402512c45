"""The innovation pages: list with filters, summary and pager, the submit form (member search or
a name), detail with the workflow forms and history, every step through the pages, refusals
shown on the form, projects with milestones, Excel export, scope (404) and query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.innovation import services
from gonghui.innovation.models import (
    Milestone,
    ProjectStatus,
    Suggestion,
    SuggestionStatus,
    TechProject,
)
from gonghui.innovation.testing import days_ago, project, suggestion

pytestmark = pytest.mark.django_db
TODAY = services.today()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def iso(day):
    return day.isoformat()


@pytest.fixture
def mine(tree):
    return suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title="冷却水路改进")


@pytest.fixture
def theirs(tree):
    return suggestion(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2, title="丙企业小设计",
                      kind="DESIGN", status=SuggestionStatus.IMPLEMENTED)


def test_list_filters_summary_and_scope(client, tree, mine, theirs):
    client.force_login(tree.district_staff)
    response = client.get(reverse("innovation:list"))
    assert response.status_code == 200
    assert {s.pk for s in response.context["page"].items} == {mine.pk, theirs.pk}
    summary = response.context["summary"]
    assert (summary.submitted, summary.adopted, summary.benefit_yuan) == (2, 1, Decimal("18000.00"))
    response = client.get(reverse("innovation:list"), {"kind": "DESIGN"})
    assert [s.pk for s in response.context["page"].items] == [theirs.pk]
    response = client.get(reverse("innovation:list"), {"org": tree.town1.pk})
    assert [s.pk for s in response.context["page"].items] == [mine.pk]
    assert response.context["summary"].submitted == 1
    response = client.get(reverse("innovation:list"), {"q": "丙企业", "status": "IMPLEMENTED"})
    assert [s.pk for s in response.context["page"].items] == [theirs.pk]
    client.force_login(tree.union1_chair)
    response = client.get(reverse("innovation:list"))
    assert [s.pk for s in response.context["page"].items] == [mine.pk]
    assert client.get(reverse("innovation:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("innovation:project_detail", args=[999999])).status_code == 404


def test_member_and_outsider_are_refused(client, tree, mine):
    for user in (tree.member_user, tree.outsider):
        client.force_login(user)
        assert client.get(reverse("innovation:list")).status_code == 403
        assert client.get(reverse("innovation:detail", args=[mine.pk])).status_code == 404


def test_submit_with_a_member_found_by_name(client, tree):
    person = tree.member(tree.union1, name="陈建国").person
    client.force_login(tree.union1_staff)
    response = client.get(reverse("innovation:create"))
    assert response.status_code == 302 and f"org={tree.union1.pk}" in response.url  # one union: taken directly
    response = client.get(reverse("innovation:create"), {"org": tree.union1.pk, "member_q": "陈建"})
    assert response.context["candidates"] == [(person.pk, "陈建国")]
    post = {"org": tree.union1.pk, "enterprise": tree.enterprise1.pk, "kind": "INVENTION", "title": "自动送料装置",
            "problem": "人工送料慢", "proposal": "加装气动送料", "submitter_person": person.pk,
            "co_authors": "李工，赵师傅", "submitted_on": iso(TODAY)}
    response = client.post(reverse("innovation:create"), post)
    s = Suggestion.objects.get()
    assert response.status_code == 302 and response.url == reverse("innovation:detail", args=[s.pk])
    assert (s.submitter_person_id, s.submitter_name, s.co_authors) == (person.pk, "陈建国", "李工、赵师傅")


def test_submit_refusals_are_on_the_form_and_save_nothing(client, tree):
    client.force_login(tree.town1_cadre)
    post = {"org": tree.union1.pk, "enterprise": tree.enterprise1.pk, "kind": "INVENTION", "title": "t",
            "problem": "p", "proposal": "q", "submitted_on": iso(TODAY + datetime.timedelta(days=3))}
    response = client.post(reverse("innovation:create"), post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "submitter_name" in errors
    response = client.post(reverse("innovation:create"), {**post, "submitter_name": "王"})
    assert list(response.context["form"].errors) == ["submitted_on"]  # the service's date_in_future
    assert not Suggestion.objects.exists()
    # a union outside the cadre's town: 404, like a missing one
    response = client.post(reverse("innovation:create"), {**post, "org": tree.union2.pk, "submitter_name": "王"})
    assert response.status_code == 404


def test_every_step_through_the_pages(client, tree, mine):
    client.force_login(tree.union1_chair)
    url = reverse("innovation:detail", args=[mine.pk])
    response = client.get(url)
    assert set(response.context["step_forms"]) == {"evaluate", "decline", "withdraw"}

    def step(name, data):
        return client.post(reverse("innovation:step", args=[mine.pk, name]),
                           {f"{name}-{k}": v for k, v in data.items()})

    response = step("evaluate", {"score_innovation": 31, "score_feasibility": 20, "score_economic": 20,
                                 "score_safety": 10, "evaluated_on": iso(TODAY), "evaluators": "张"})
    assert response.status_code == 400
    assert "score_innovation" in response.context["step_forms"]["evaluate"].errors
    response = step("evaluate", {"score_innovation": 28, "score_feasibility": 26, "score_economic": 22,
                                 "score_safety": 13, "evaluated_on": iso(days_ago(3)), "evaluators": "张，钱"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.total_score, mine.grade) == (SuggestionStatus.EVALUATED, 89, "A")
    assert step("adopt", {"decided_on": iso(days_ago(2))}).status_code == 302
    response = step("implement", {"implemented_on": iso(days_ago(1)), "benefit_yuan": "-5",
                                  "measured_on": iso(TODAY)})
    assert response.status_code == 400 and "benefit_yuan" in response.context["step_forms"]["implement"].errors
    assert step("implement", {"implemented_on": iso(days_ago(1)), "benefit_yuan": "32000.00",
                              "measured_on": iso(TODAY)}).status_code == 302
    assert step("reward", {"amount": "1500", "paid_on": iso(TODAY)}).status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.benefit_yuan, mine.reward_yuan) == (SuggestionStatus.IMPLEMENTED, Decimal("32000.00"),
                                                                  Decimal("1500.00"))
    response = client.get(url)
    assert response.context["step_forms"] == {}
    assert [e.action for e in response.context["history"]][:4] == [
        "innovation.reward", "innovation.implement", "innovation.adopt", "innovation.evaluate"]
    # a step the status no longer allows only warns
    response = step("withdraw", {"withdrawn_on": iso(TODAY)})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == SuggestionStatus.IMPLEMENTED


def test_other_unions_chair_cannot_act(client, tree, mine):
    client.force_login(tree.union2_chair)
    response = client.post(reverse("innovation:step", args=[mine.pk, "withdraw"]),
                           {"withdraw-withdrawn_on": iso(TODAY)})
    assert response.status_code == 404
    client.force_login(tree.town1_cadre)
    response = client.post(reverse("innovation:step", args=[mine.pk, "withdraw"]),
                           {"withdraw-withdrawn_on": iso(TODAY)})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == SuggestionStatus.WITHDRAWN


def test_project_pages(client, tree):
    client.force_login(tree.union1_chair)
    post = {"org": tree.union1.pk, "enterprise": tree.enterprise1.pk, "title": "降低能耗攻关", "goal": "单耗降10%",
            "team": "周组长，工程师\n吴师傅", "started_on": iso(days_ago(20)),
            "planned_end_on": iso(TODAY + datetime.timedelta(days=90))}
    response = client.post(reverse("innovation:project_create"), post)
    p = TechProject.objects.get()
    assert response.status_code == 302
    assert [(m.name, m.role, m.is_leader) for m in p.team.all()] == [("周组长", "工程师", True), ("吴师傅", "", False)]
    step = reverse("innovation:project_step", args=[p.pk, "milestone"])
    response = client.post(step, {"milestone-title": "方案", "milestone-due_on": iso(days_ago(30))})
    assert response.status_code == 400 and "due_on" in response.context["step_forms"]["milestone"].errors
    client.post(step, {"milestone-title": "方案", "milestone-due_on": iso(days_ago(2))})
    m = Milestone.objects.get()
    response = client.get(reverse("innovation:project_detail", args=[p.pk]))
    assert response.context["overdue"] == 1
    response = client.get(reverse("innovation:project_list"), {"overdue": "on"})
    assert [r.pk for r in response.context["page"].items] == [p.pk]
    done = reverse("innovation:project_step", args=[p.pk, "done"])
    response = client.post(done, {"done-milestone": m.pk, "done-done_on": iso(TODAY + datetime.timedelta(days=1))})
    assert response.status_code == 400
    assert client.post(done, {"done-milestone": m.pk, "done-done_on": iso(TODAY)}).status_code == 302
    complete = reverse("innovation:project_step", args=[p.pk, "complete"])
    assert client.post(complete, {"complete-completed_on": iso(TODAY), "complete-result": "单耗降12%",
                                  "complete-benefit_yuan": "90000"}).status_code == 302
    p.refresh_from_db()
    assert p.status == ProjectStatus.COMPLETED
    assert AuditEvent.objects.filter(object_type="innovation.TechProject", object_id=str(p.pk)).count() == 4


def test_export(client, tree, mine, theirs):
    client.force_login(tree.town2_cadre)
    response = client.get(reverse("innovation:export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "丙企业小设计"
    assert AuditEvent.objects.filter(action="innovation.export").count() == 1
    assert client.get(reverse("innovation:export"), {"org": tree.town1.pk}).status_code == 404


def test_list_query_count_does_not_grow(client, tree, django_assert_max_num_queries):
    client.force_login(tree.town1_cadre)
    suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("innovation:list"))
    for n in range(8):
        suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title=f"建议{n}",
                   status=SuggestionStatus.ADOPTED if n % 2 else SuggestionStatus.SUBMITTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("innovation:list"))
    assert len(response.context["page"].items) == 9


def test_project_list_and_detail_query_counts(client, tree, django_assert_max_num_queries):
    client.force_login(tree.union1_chair)
    p = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("innovation:project_list"))
    with django_assert_max_num_queries(30) as detail:
        client.get(reverse("innovation:project_detail", args=[p.pk]))
    for n in range(4):
        project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title=f"攻关{n}",
                milestones=[("m", days_ago(1), None)])
        services.add_milestone(actor=tree.union1_chair, project=p, title=f"节点{n}", due_on=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("innovation:project_list"))
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(reverse("innovation:project_detail", args=[p.pk]))
