"""The committee pages: the union list with its term-state filters and summary, the detail with
members, reminders and history, a union's terms, recording from paper (guided form, specific
errors, nothing saved on bad input), the Excel export, scope (404) and query counts."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.grassroots.models import Committee, CommitteeStatus
from gonghui.grassroots.selectors.committees import add_months
from gonghui.grassroots.services.committees import today
from gonghui.grassroots.testing.committees import committee
from gonghui.orgs.models import Org, OrgLevel

pytestmark = pytest.mark.django_db
TODAY = today()
D = datetime.date
DAYS_3 = datetime.timedelta(days=3)


@pytest.fixture(autouse=True)
def _english(client):
    # A request's language is the browser's (LocaleMiddleware), not translation.override's: the
    # pages are asked in English so the assertions read the source strings whatever the
    # compiled catalogue holds.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def _elected_for_end(end, years=3):
    """An election date whose 3-year term ends on `end`."""
    return end.replace(year=end.year - years) + datetime.timedelta(days=1)


@pytest.fixture
def world(tree):
    # union1: expired (ended yesterday); union1b: ends in 2 months; union2: ends in 2 years, with an older term.
    tree.c1 = committee(tree.union1, elected_on=_elected_for_end(TODAY - datetime.timedelta(days=1)), term_years=3)
    tree.c1b = committee(tree.union1b, elected_on=_elected_for_end(add_months(TODAY, 2)), term_years=3)
    tree.c2_old = committee(tree.union2, elected_on=D(2020, 4, 1), term_years=5, status=CommitteeStatus.REPLACED,
                            ended_on=D(2025, 4, 1))
    tree.c2 = committee(tree.union2, elected_on=D(2025, 4, 1), term_years=5, members=5)
    return tree


def _unions(response):
    return [(r.union.pk, r.state) for r in response.context["page"].items]


def test_list_shows_every_union_with_its_term_state(client, world):
    client.force_login(world.district_staff)
    response = client.get(reverse("grassroots:committee_list"))
    assert response.status_code == 200
    assert dict(_unions(response)) == {world.union1.pk: "EXPIRED", world.union1b.pk: "EXPIRING",
                                       world.union2.pk: "LATER"}
    assert response.context["counts"] == {"expired": 1, "expiring": 1, "later": 1, "none": 0}
    html = response.content.decode()
    assert "Term expired" in html and world.c1.members.get(position="CHAIR").name in html
    assert reverse("grassroots:union_committees", args=[world.union1.pk]) in html


@pytest.mark.parametrize(("expiry", "expected"), [("EXPIRED", "union1"), ("EXPIRING", "union1b"),
                                                  ("LATER", "union2")])
def test_list_expiry_filters(client, world, expiry, expected):
    client.force_login(world.district_staff)
    response = client.get(reverse("grassroots:committee_list"), {"expiry": expiry})
    assert [pk for pk, _s in _unions(response)] == [getattr(world, expected).pk]


def test_expiring_edge_is_the_rules_months(client, tree, settings):
    committee(tree.union1, elected_on=_elected_for_end(add_months(TODAY, 6)), term_years=3)
    committee(tree.union1b, elected_on=_elected_for_end(add_months(TODAY, 6) + datetime.timedelta(days=1)),
              term_years=3)
    client.force_login(tree.district_staff)
    response = client.get(reverse("grassroots:committee_list"), {"expiry": "EXPIRING"})
    assert [pk for pk, _s in _unions(response)] == [tree.union1.pk]
    settings.GRASSROOTS_COMMITTEES_RULES = {"expiring_months": 7}
    response = client.get(reverse("grassroots:committee_list"), {"expiry": "EXPIRING"})
    assert {pk for pk, _s in _unions(response)} == {tree.union1.pk, tree.union1b.pk}


def test_no_committee_on_record_filter(client, world):
    Committee.objects.filter(org=world.union1b).delete()
    client.force_login(world.town1_cadre)
    response = client.get(reverse("grassroots:committee_list"), {"expiry": "NONE"})
    assert _unions(response) == [(world.union1b.pk, "NONE")]
    assert response.context["counts"]["none"] == 1
    assert reverse("grassroots:committee_record", args=[world.union1b.pk]) in response.content.decode()


def test_list_scope_town_and_chair(client, world):
    client.force_login(world.town1_cadre)
    response = client.get(reverse("grassroots:committee_list"))
    assert {pk for pk, _s in _unions(response)} == {world.union1.pk, world.union1b.pk}
    client.force_login(world.union2_chair)
    response = client.get(reverse("grassroots:committee_list"))
    assert _unions(response) == [(world.union2.pk, "LATER")]


def test_list_org_source_year_and_search_filters(client, world):
    client.force_login(world.district_staff)
    assert {pk for pk, _s in _unions(client.get(reverse("grassroots:committee_list"), {"org": world.town2.pk}))} == {
        world.union2.pk}
    assert [pk for pk, _s in _unions(client.get(reverse("grassroots:committee_list"), {"year": 2025}))] == [
        world.union2.pk]
    assert [pk for pk, _s in _unions(client.get(reverse("grassroots:committee_list"), {"q": "乙企业"}))] == [
        world.union1b.pk]


def test_list_bad_filters_never_500(client, world):
    client.force_login(world.district_staff)
    for params in ({"year": "abc"}, {"expiry": "nonsense"}, {"org": "999999"}, {"after": "-4"}, {"q": "\x00x"},
                   {"year": "99999999999999999999"}):
        assert client.get(reverse("grassroots:committee_list"), params).status_code == 200


def test_list_pages(client, tree, settings):
    settings.LIST_PAGE_SIZE = 2
    for i in range(3):
        Org.objects.get(pk=tree.town1.pk).add_child(name=f"工会{i}", level=OrgLevel.GRASSROOTS, code=f"X{i}",
                                                     union_kind="ENTERPRISE")
    client.force_login(tree.district_staff)
    first = client.get(reverse("grassroots:committee_list"))
    assert len(first.context["page"].items) == 2 and first.context["page"].next_after
    second = client.get(reverse("grassroots:committee_list"), {"after": first.context["page"].next_after})
    assert len(second.context["page"].items) == 2


def test_list_query_count_does_not_grow(client, tree, django_assert_max_num_queries):
    client.force_login(tree.district_staff)
    for i in range(3):
        committee(Org.objects.get(pk=tree.town1.pk).add_child(name=f"甲{i}", level=OrgLevel.GRASSROOTS,
                                                               code=f"Y{i}", union_kind="ENTERPRISE"))
    client.get(reverse("grassroots:committee_list"))
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("grassroots:committee_list"))
    for i in range(12):
        committee(Org.objects.get(pk=tree.town2.pk).add_child(name=f"乙{i}", level=OrgLevel.GRASSROOTS,
                                                               code=f"Z{i}", union_kind="ENTERPRISE"), members=6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("grassroots:committee_list"))
    assert len(response.context["page"].items) == 18


def test_detail_shows_members_deadline_and_history(client, world):
    client.force_login(world.town1_cadre)
    response = client.get(reverse("grassroots:committee_detail", args=[world.c1.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The term ended on" in html
    for m in world.c1.members.all():
        assert m.name in html
    assert response.context["state"] == "EXPIRED" and response.context["days_over"] == 1
    assert reverse("grassroots:committee_record", args=[world.union1.pk]) in html
    assert 'id="history-title"' in html
    assert reverse("grassroots:election_create") + f"?union={world.union1.pk}" in html


def test_detail_out_of_scope_is_404(client, world):
    client.force_login(world.town2_cadre)
    assert client.get(reverse("grassroots:committee_detail", args=[world.c1.pk])).status_code == 404
    assert client.get(reverse("grassroots:committee_detail", args=[999999])).status_code == 404
    assert client.get(reverse("grassroots:union_committees", args=[world.union1.pk])).status_code == 404
    assert client.get(reverse("grassroots:committee_record", args=[world.union1.pk])).status_code == 404


def test_member_sees_but_cannot_record(client, world):
    client.force_login(world.member_user)
    assert client.get(reverse("grassroots:committee_list")).status_code == 403
    client.force_login(world.union1_staff)
    response = client.get(reverse("grassroots:committee_detail", args=[world.c1.pk]))
    assert response.status_code == 200 and response.context["can_record"]


def test_union_page_lists_terms(client, world):
    client.force_login(world.union2_chair)
    response = client.get(reverse("grassroots:union_committees", args=[world.union2.pk]))
    assert response.status_code == 200
    assert [c.term_number for c in response.context["committees"]] == [2, 1]
    assert response.context["current"].pk == world.c2.pk


def _post(client, union, **data):
    payload = {"elected_on": "2024-06-01", "term_years": "5", "chair": "张伟", "vice_chairs": "李娜\n王强",
               "members": "赵敏、钱进，孙丽", "members_at_election": "120", "note": ""}
    payload.update(data)
    return client.post(reverse("grassroots:committee_record", args=[union.pk]), payload)


def test_record_from_paper_through_the_form(client, tree):
    client.force_login(tree.union1_chair)
    assert client.get(reverse("grassroots:committee_record", args=[tree.union1.pk])).status_code == 200
    response = _post(client, tree.union1)
    c = Committee.objects.get(org=tree.union1)
    assert response.status_code == 302 and response.url == reverse("grassroots:committee_detail", args=[c.pk])
    assert list(c.members.values_list("name", "position")) == [
        ("张伟", "CHAIR"), ("李娜", "VICE_CHAIR"), ("王强", "VICE_CHAIR"), ("赵敏", "MEMBER"), ("钱进", "MEMBER"),
        ("孙丽", "MEMBER")]
    assert (c.members_at_election, c.term_ends_on, c.source) == (120, D(2029, 5, 31), "RECORD")
    assert Org.objects.get(pk=tree.union1.pk).chair_name == "张伟"


@pytest.mark.parametrize(("data", "field", "text"), [
    ({"chair": ""}, "chair", "必填"),
    ({"members": "张伟"}, "members", "张伟"),
    ({"vice_chairs": "李娜\n李娜"}, "vice_chairs", "李娜"),
    ({"members": "甲" * 70}, "members", "甲甲甲"),
    ({"elected_on": "2024-13-01"}, "elected_on", "日期"),
    ({"term_years": "4"}, "term_years", "选项"),
    ({"members_at_election": "-3"}, "members_at_election", "0"),
    ({"elected_on": (TODAY + DAYS_3).isoformat()}, "elected_on", (TODAY + DAYS_3).isoformat()),
])
def test_record_form_errors_are_specific_and_save_nothing(client, tree, data, field, text):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"  # the messages a chair reads, in Chinese
    client.force_login(tree.union1_chair)
    response = _post(client, tree.union1, **data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors and text in " ".join(form.errors[field])
    assert not Committee.objects.exists()


def test_record_before_the_current_committee_is_refused_on_the_date(client, world):
    client.force_login(world.district_staff)
    response = _post(client, world.union2, elected_on="2020-01-01")
    assert "elected_on" in response.context["form"].errors
    assert Committee.objects.filter(org=world.union2).count() == 2


def test_record_replaces_the_current_committee(client, world):
    client.force_login(world.town2_cadre)
    _post(client, world.union2, elected_on=TODAY.isoformat())
    world.c2.refresh_from_db()
    assert world.c2.status == CommitteeStatus.REPLACED
    assert Committee.objects.get(org=world.union2, status="CURRENT").term_number == 3


def test_record_chooser_lists_only_unions_the_user_may_act_for(client, tree):
    client.force_login(tree.union1_chair)
    response = client.get(reverse("grassroots:committee_record_choose"))
    assert [u.pk for u in response.context["unions"]] == [tree.union1.pk]
    client.force_login(tree.member_user)
    assert client.get(reverse("grassroots:committee_record_choose")).status_code == 403


def test_export(client, world):
    client.force_login(world.town1_cadre)
    response = client.get(reverse("grassroots:committee_export"), {"expiry": "EXPIRED"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                    if hasattr(response, "streaming_content") else response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == world.union1.name
    assert AuditEvent.objects.filter(action="grassroots.committee.export").exists()


def test_export_refused_and_scoped(client, world):
    client.force_login(world.member_user)
    assert client.get(reverse("grassroots:committee_export")).status_code == 403
    client.force_login(world.town1_cadre)
    assert client.get(reverse("grassroots:committee_export"), {"org": world.town2.pk}).status_code == 404


def test_an_inactive_union_offers_no_recording(client, world):
    """The detail page and the API offered "record a newer committee" for a union that was
    closed, a form the service then always refused."""
    from gonghui.core.testing.api import api_as

    Org.objects.filter(pk=world.union1.pk).update(is_active=False)
    client.force_login(world.town1_cadre)
    html = client.get(reverse("grassroots:committee_detail", args=[world.c1.pk])).content.decode()
    assert reverse("grassroots:committee_record", args=[world.union1.pk]) not in html
    assert api_as(world.town1_cadre).get(f"/committees/{world.c1.pk}").json()["can_record"] is False
    assert api_as(world.town1_cadre).get(f"/committees/{world.c1b.pk}").json()["can_record"] is True
