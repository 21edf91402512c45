"""The proposal pages: scope (404 outside), rights (403 without), forms that refuse bad input and
save nothing, the list's filters, search, keyset pages and constant query count, and the export."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from gonghui.congress.models import Proposal, ProposalStatus
from gonghui.congress.testing import session
from gonghui.core.models import AuditEvent

from .test_proposals_builders import body_with_delegates, proposal_at

pytestmark = pytest.mark.django_db
# A request's language is the browser's (LocaleMiddleware), not translation.override's: asked in
# English, the page answers with the English source of its messages whatever the catalogue holds.
ENGLISH = {"Accept-Language": "en"}


def build_world(tree):
    tree.body, tree.roll = body_with_delegates(tree.union1, tree.enterprise1)
    tree.body2, tree.roll2 = body_with_delegates(tree.union2, tree.enterprise2, count=5, substitutes=0)
    tree.own = proposal_at(ProposalStatus.DRAFT, actor=tree.union1_chair, body=tree.body, roll=tree.roll)
    tree.other = proposal_at(ProposalStatus.ASSIGNED, actor=tree.union2_chair, body=tree.body2, roll=tree.roll2,
                             title="北干食堂")
    return tree


# Built once per module with the shared tree (conftest.SharedTree), re-read for each test.
SHARED_WORLD = build_world


@pytest.fixture
def world(tree):
    return tree


# --- permission matrix: role × page × in/out of scope -----------------------------------------------

PAGES = {
    "list": lambda t: reverse("congress:proposal_list"),
    "export": lambda t: reverse("congress:proposal_export"),
    "create": lambda t: reverse("congress:proposal_create") + f"?body={t.body.pk}",
    "detail": lambda t: reverse("congress:proposal_detail", args=[t.own.pk]),
    "edit": lambda t: reverse("congress:proposal_edit", args=[t.own.pk]),
    "submit": lambda t: reverse("congress:proposal_step", args=[t.own.pk, "submit"]),
    "detail_other": lambda t: reverse("congress:proposal_detail", args=[t.other.pk]),
    "reply_other": lambda t: reverse("congress:proposal_step", args=[t.other.pk, "reply"]),
}
IN_UNION1 = {"detail": 200, "edit": 200, "submit": 200, "create": 200, "detail_other": 404, "reply_other": 404}
IN_UNION2 = {"detail": 404, "edit": 404, "submit": 404, "create": 404, "detail_other": 200, "reply_other": 200}
MATRIX = {
    "district_staff": {"list": 200, "export": 200, "create": 200, "detail": 200, "edit": 200, "submit": 200,
                       "detail_other": 200, "reply_other": 200},
    "town1_cadre": {"list": 200, "export": 200, **IN_UNION1},
    "town2_cadre": {"list": 200, "export": 200, **IN_UNION2},
    "union1_chair": {"list": 200, "export": 200, **IN_UNION1},
    "union1_staff": {"list": 200, "export": 200, **IN_UNION1},
    "union2_chair": {"list": 200, "export": 200, **IN_UNION2},
    "member_user": dict.fromkeys(PAGES, 403) | {"detail": 404, "edit": 404, "submit": 404, "detail_other": 404,
                                                "reply_other": 404},
    "outsider": dict.fromkeys(PAGES, 403) | {"detail": 404, "edit": 404, "submit": 404, "detail_other": 404,
                                             "reply_other": 404},
}


@pytest.mark.parametrize("user", MATRIX)
@pytest.mark.parametrize("page", PAGES)
def test_permission_matrix(client, world, user, page):
    client.force_login(getattr(world, user))
    assert client.get(PAGES[page](world)).status_code == MATRIX[user][page]


def test_anonymous_goes_to_sign_in(client, world):
    response = client.get(reverse("congress:proposal_detail", args=[world.own.pk]))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_out_of_scope_is_the_same_404_as_missing(client, world):
    client.force_login(world.union1_chair)
    hidden = client.get(reverse("congress:proposal_detail", args=[world.other.pk]))
    missing = client.get(reverse("congress:proposal_detail", args=[world.other.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.context["exception"] == missing.context["exception"]


def test_out_of_scope_post_changes_nothing(client, world):
    client.force_login(world.union1_chair)
    response = client.post(reverse("congress:proposal_step", args=[world.other.pk, "extend"]),
                           {"extension_reason": "x"})
    assert response.status_code == 404
    world.other.refresh_from_db()
    assert not world.other.extended


# --- the draft form ---------------------------------------------------------------------------------------

def _draft_post(world, **overrides):
    seated = [d for d in world.roll if not d.is_substitute]
    data = {"body": world.body.pk, "title": "更衣室加装空调", "category": "WELFARE", "reasons": "夏季高温。",
            "suggestions": "加装空调两台。", "proposer": seated[4].pk, "cosigners": [seated[5].pk, seated[6].pk]}
    data.update(overrides)
    return data


def test_chair_with_one_congress_goes_straight_to_the_form(client, world):
    client.force_login(world.union1_chair)
    response = client.get(reverse("congress:proposal_create"))
    assert response.status_code == 302 and response["Location"].endswith(f"?body={world.body.pk}")


def test_district_chooses_the_congress_first(client, world):
    client.force_login(world.district_staff)
    response = client.get(reverse("congress:proposal_create"))
    assert response.status_code == 200
    assert {b.pk for b in response.context["bodies"]} == {world.body.pk, world.body2.pk}


def test_draft_through_the_form(client, world):
    client.force_login(world.union1_staff)
    response = client.post(reverse("congress:proposal_create"), _draft_post(world))
    proposal = Proposal.objects.get(title="更衣室加装空调")
    assert response.status_code == 302 and response["Location"] == reverse("congress:proposal_detail",
                                                                           args=[proposal.pk])
    assert proposal.cosigners.count() == 2 and proposal.status == ProposalStatus.DRAFT


def test_substitute_is_not_offered_and_not_accepted(client, world):
    substitute = next(d for d in world.roll if d.is_substitute)
    client.force_login(world.union1_chair)
    page = client.get(reverse("congress:proposal_create") + f"?body={world.body.pk}")
    assert substitute not in page.context["form"].fields["proposer"].queryset
    count = Proposal.objects.count()
    with translation.override("en"):
        response = client.post(reverse("congress:proposal_create"), _draft_post(world, proposer=substitute.pk))
    assert response.status_code == 200 and "proposer" in response.context["form"].errors
    assert Proposal.objects.count() == count


def test_proposer_among_cosigners_is_shown_on_the_field(client, world):
    seated = [d for d in world.roll if not d.is_substitute]
    client.force_login(world.union1_chair)
    with translation.override("en"):
        response = client.post(reverse("congress:proposal_create"),
                               _draft_post(world, proposer=seated[4].pk, cosigners=[seated[4].pk, seated[5].pk]),
                               headers=ENGLISH)
    assert response.status_code == 200
    assert "cannot also co-sign" in str(response.context["form"].errors["cosigners"])
    assert not Proposal.objects.filter(title="更衣室加装空调").exists()


def test_body_of_another_union_is_404_on_the_form(client, world):
    client.force_login(world.union1_chair)
    response = client.post(reverse("congress:proposal_create"), _draft_post(world, body=world.body2.pk))
    assert response.status_code == 404


def test_edit_of_a_submitted_proposal_goes_back_to_the_page(client, world):
    submitted = proposal_at(ProposalStatus.SUBMITTED, actor=world.union1_chair, body=world.body, roll=world.roll,
                            title="已提交")
    client.force_login(world.union1_chair)
    response = client.post(reverse("congress:proposal_edit", args=[submitted.pk]), _draft_post(world))
    assert response.status_code == 302
    assert Proposal.objects.get(pk=submitted.pk).title == "已提交"


# --- steps through the pages ----------------------------------------------------------------------------

def test_submit_with_one_cosigner_says_how_many_are_missing(client, world):
    lonely = proposal_at(ProposalStatus.DRAFT, actor=world.union1_chair, body=world.body, roll=world.roll,
                         cosigners=1, title="只有一人附议")
    client.force_login(world.union1_chair)
    with translation.override("en"):
        response = client.post(reverse("congress:proposal_step", args=[lonely.pk, "submit"]),
                               {"submitted_on": "2026-03-02", "one_issue": "on"}, headers=ENGLISH)
    assert response.status_code == 200
    assert "1 more must co-sign" in response.content.decode()
    assert Proposal.objects.get(pk=lonely.pk).status == ProposalStatus.DRAFT


def test_submit_needs_the_one_issue_box(client, world):
    client.force_login(world.union1_chair)
    response = client.post(reverse("congress:proposal_step", args=[world.own.pk, "submit"]),
                           {"submitted_on": "2026-03-02"})
    assert response.status_code == 200 and "one_issue" in response.context["form"].errors
    response = client.post(reverse("congress:proposal_step", args=[world.own.pk, "submit"]),
                           {"submitted_on": "2026-03-02", "one_issue": "on"})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=world.own.pk).status == ProposalStatus.SUBMITTED


def test_step_not_allowed_now_redirects_with_a_warning(client, world):
    client.force_login(world.union1_chair)
    response = client.get(reverse("congress:proposal_step", args=[world.own.pk, "reply"]))
    assert response.status_code == 302
    assert client.get(reverse("congress:proposal_step", args=[world.own.pk, "nonsense"])).status_code == 404


def test_assign_page_offers_the_departments_already_used(client, world):
    accepted = proposal_at(ProposalStatus.ACCEPTED, actor=world.union1_chair, body=world.body, roll=world.roll,
                           title="待交办")
    proposal_at(ProposalStatus.ASSIGNED, actor=world.union1_chair, body=world.body, roll=world.roll, title="已交办")
    client.force_login(world.union1_chair)
    response = client.get(reverse("congress:proposal_step", args=[accepted.pk, "assign"]))
    assert response.context["departments"] == ["后勤保障部"]
    assert '<datalist id="departments">' in response.content.decode()


def test_detail_shows_history_cosigners_and_dates(client, world):
    replied = proposal_at(ProposalStatus.REPLIED, actor=world.union1_chair, body=world.body, roll=world.roll,
                          title="已答复")
    client.force_login(world.town1_cadre)
    response = client.get(reverse("congress:proposal_detail", args=[replied.pk]))
    assert response.status_code == 200
    assert len(response.context["cosigners"]) == 2
    assert [row.day for row in response.context["dates"]] == [
        datetime.date(2026, 3, 2), datetime.date(2026, 3, 5), datetime.date(2026, 3, 6), datetime.date(2026, 5, 6),
        datetime.date(2026, 4, 20)]
    history = response.context["history"]
    assert [e.action for e in history][0] == "congress.proposal_reply"
    drafted = next(e for e in history if e.action == "congress.proposal_draft")
    shown = {row.key: row.after for row in drafted.changes}
    assert shown["proposer_id"] == world.roll[0].name  # names, not record ids
    assert shown["cosigner_names"] == f"{world.roll[1].name}; {world.roll[2].name}"
    assert response.context["actions"].rate and response.context["actions"].benefit


# --- the list --------------------------------------------------------------------------------------------

def _listed(client, **params):
    response = client.get(reverse("congress:proposal_list"), params)
    assert response.status_code == 200
    return {p.pk for p in response.context["page"].items}


def test_list_filters(client, world):
    planned = session(world.body, number=1)
    replied = proposal_at(ProposalStatus.REPLIED, actor=world.union1_chair, body=world.body, roll=world.roll,
                          title="答复件", session=planned)
    client.force_login(world.district_staff)
    assert _listed(client) == {world.own.pk, world.other.pk, replied.pk}
    assert _listed(client, status="ASSIGNED") == {world.other.pk}
    assert _listed(client, due="overdue") == {world.other.pk}  # due 2026-05-06, unanswered
    assert _listed(client, department="后勤") == {world.other.pk, replied.pk}
    assert _listed(client, session=planned.pk) == {replied.pk}
    assert _listed(client, body=world.body2.pk) == {world.other.pk}
    assert _listed(client, org=world.town1.pk) == {world.own.pk, replied.pk}
    assert _listed(client, year=2026) == {world.own.pk, world.other.pk, replied.pk}
    assert _listed(client, year=2024) == set()
    assert _listed(client, q="北干") == {world.other.pk}
    assert world.other.number == replied.number == "2026-001"  # each congress numbers its own
    assert _listed(client, q="2026-001") == {world.other.pk, replied.pk}
    world.roll[0].name = "王建国"
    world.roll[0].save()
    assert _listed(client, q="王建") == {world.own.pk, replied.pk}


def test_a_body_out_of_scope_in_the_link_lists_nothing(client, world):
    client.force_login(world.union1_chair)
    assert _listed(client, body=world.body2.pk) == set()
    assert _listed(client, body=world.body.pk) == {world.own.pk}


def test_list_pages_by_keyset(client, world, settings):
    settings.LIST_PAGE_SIZE = 2
    for i in range(3):
        proposal_at(ProposalStatus.DRAFT, actor=world.union1_chair, body=world.body, roll=world.roll, title=f"稿{i}")
    client.force_login(world.union1_chair)
    first = client.get(reverse("congress:proposal_list")).context["page"]
    assert len(first.items) == 2 and first.next_after
    second = client.get(reverse("congress:proposal_list"), {"after": first.next_after}).context["page"]
    seen = [p.pk for p in first.items + second.items]
    assert len(seen) == len(set(seen)) == 4 and second.next_after is None
    assert seen == sorted(seen, reverse=True)  # newest first


def test_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.district_staff)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("congress:proposal_list"))
    for i in range(12):
        proposal_at(ProposalStatus.ASSIGNED, actor=world.union1_chair, body=world.body, roll=world.roll,
                    title=f"批量{i}", session=session(world.body, number=i + 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("congress:proposal_list"))
    assert len(response.context["page"].items) == 14


# --- export ------------------------------------------------------------------------------------------------

def test_export_is_the_filtered_list_and_audited(client, world):
    proposal_at(ProposalStatus.REPLIED, actor=world.union1_chair, body=world.body, roll=world.roll,
                title="=HYPERLINK(\"x\")")
    client.force_login(world.district_staff)
    response = client.get(reverse("congress:proposal_export"), {"org": world.town1.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == ["'=HYPERLINK(\"x\")", "增设二车间夜班食堂"]  # town1 only; the formula stays text
    event = AuditEvent.objects.get(action="congress.proposal_export")
    assert event.after["rows"] == 2 and event.org_id == world.town1.pk


def test_export_of_a_hidden_org_is_404(client, world):
    client.force_login(world.union1_chair)
    assert client.get(reverse("congress:proposal_export"), {"org": world.union2.pk}).status_code == 404
    assert not AuditEvent.objects.filter(action="congress.proposal_export").exists()


@pytest.mark.parametrize("name", ["body", "session"])
def test_export_of_a_hidden_body_or_session_is_404(client, world, name):
    """Like a hidden org: out of scope answers like missing, and nothing is exported or audited."""
    hidden = world.body2 if name == "body" else session(world.body2)
    client.force_login(world.town1_cadre)
    assert client.get(reverse("congress:proposal_export"), {name: hidden.pk}).status_code == 404
    assert client.get(reverse("congress:proposal_export"), {name: "abc"}).status_code == 404
    assert not AuditEvent.objects.filter(action="congress.proposal_export").exists()
