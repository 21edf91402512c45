"""Review fixes of terms and rolls: a term start beyond any plausible date is a message, not a 500;
a roll pushed over the managers' share by departures can still be repaired one step at a time."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from gonghui.congress.models import CongressBody, Delegate, DelegateCategory
from gonghui.congress.services import bodies as services
from gonghui.congress.services.bodies import DelegateInput
from gonghui.congress.testing import congress_body, delegates
from gonghui.core.errors import DomainError
from gonghui.core.testing.api import api_as

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


# --- the start of a term ---------------------------------------------------------------------------

@pytest.mark.parametrize("starts_on", [D(9998, 6, 1), D(1900, 1, 1), D.today() + datetime.timedelta(days=400)])
def test_an_implausible_term_start_is_refused_on_its_field(tree, starts_on):
    with pytest.raises(DomainError) as err:
        services.constitute_body(actor=tree.union1_chair, enterprise=tree.enterprise1, term_starts_on=starts_on,
                                 term_years=3, headcount=150)
    assert (err.value.code, err.value.field) == ("date_range", "term_starts_on")
    assert not CongressBody.objects.exists()


def test_a_term_start_near_year_9999_is_a_form_error_not_a_500(tree, client):
    client.force_login(tree.union1_chair)
    response = client.post(reverse("congress:body_create"), {
        "enterprise": tree.enterprise1.pk, "headcount": 150, "term_starts_on": "9998-06-01", "term_years": 3})
    assert response.status_code == 200
    assert "at most a year ahead" in response.content.decode()
    assert not CongressBody.objects.exists()


def test_a_term_start_near_year_9999_is_a_400_in_the_api(tree):
    response = api_as(tree.union1_chair).post("/congresses", {
        "enterprise": tree.enterprise1.pk, "term_starts_on": "9998-06-01", "term_years": 3, "headcount": 150})
    assert response.status_code == 400
    assert response.json()["field"] == "term_starts_on"
    assert not CongressBody.objects.exists()


def test_the_next_term_page_proposes_a_start_it_accepts(tree, client):
    """The current term ends years ahead: the page proposes today, not a start the service refuses."""
    body = congress_body(org=tree.union1, headcount=150, starts_on=D(2026, 1, 10), term_years=5)
    client.force_login(tree.union1_chair)
    url = reverse("congress:body_next", args=[body.pk])
    initial = client.get(url).context["form"].initial["term_starts_on"]
    response = client.post(url, {"headcount": 150, "term_starts_on": initial.isoformat(), "term_years": 3})
    assert response.status_code == 302, response.context["form"].errors
    assert CongressBody.objects.get(enterprise=body.enterprise, status="ACTIVE").term_number == 2


# --- the managers' share after departures ----------------------------------------------------------

@pytest.fixture
def over_share(tree):
    """30 delegates with 6 managers; two front-line workers leave: 6 managers of 28, at most 5."""
    body = congress_body(org=tree.union1, headcount=150)
    rows = delegates(body, count=30, managers=6, substitutes=2)
    for d in rows[28:30]:
        services.end_delegate(actor=tree.union1_chair, delegate=d, ended_on=D(2026, 1, 5), reason="left")
    return body


def _add(tree, body, category, **extra):
    return services.add_delegate(actor=tree.union1_chair, body=body, data=DelegateInput(
        name=extra.pop("name", "新代表"), category=category, elected_on=D(2026, 1, 6), **extra))


def test_a_roll_over_the_share_takes_front_line_workers_one_by_one(tree, over_share):
    _add(tree, over_share, DelegateCategory.FRONT_LINE, name="一线甲")  # 6 of 29: still over, but better
    _add(tree, over_share, DelegateCategory.FRONT_LINE, name="一线乙")  # 6 of 30: back within the share
    assert over_share.delegates.filter(ended_on__isnull=True, is_substitute=False).count() == 30


def test_a_roll_over_the_share_takes_substitutes_and_name_corrections(tree, over_share):
    _add(tree, over_share, DelegateCategory.FRONT_LINE, name="候补丙", is_substitute=True)
    manager = over_share.delegates.filter(category=DelegateCategory.MANAGER).first()
    services.update_delegate(actor=tree.union1_chair, delegate=manager, name="更正姓名", category=manager.category,
                             group=manager.group, elected_on=manager.elected_on)
    assert Delegate.objects.get(pk=manager.pk).name == "更正姓名"
    substitute = over_share.delegates.filter(is_substitute=True, ended_on__isnull=True, name="候补丙").get()
    services.promote_substitute(actor=tree.union1_chair, delegate=substitute)


def test_a_roll_over_the_share_still_refuses_one_more_manager(tree, over_share):
    with pytest.raises(DomainError) as err:
        _add(tree, over_share, DelegateCategory.MANAGER, name="经理")
    assert err.value.code == "manager_share"
    front_line = over_share.delegates.filter(category=DelegateCategory.FRONT_LINE, ended_on__isnull=True).first()
    with pytest.raises(DomainError) as err:
        services.update_delegate(actor=tree.union1_chair, delegate=front_line, name=front_line.name,
                                 category=DelegateCategory.MANAGER, group="", elected_on=front_line.elected_on)
    assert err.value.code == "manager_share"
    assert Delegate.objects.get(pk=front_line.pk).category == DelegateCategory.FRONT_LINE


def test_a_pasted_list_without_managers_is_taken_by_a_roll_over_the_share(tree, over_share):
    rows = services.parse_delegate_lines("一线甲，一线职工，一团", elected_on=D(2026, 1, 6))
    assert len(services.add_delegates(actor=tree.union1_chair, body=over_share, rows=rows)) == 1
    with_manager = services.parse_delegate_lines("一线乙，一线职工，一团\n经理，管理人员，一团",
                                                 elected_on=D(2026, 1, 6))
    with pytest.raises(DomainError) as err:
        services.add_delegates(actor=tree.union1_chair, body=over_share, rows=with_manager)
    assert err.value.code == "manager_share"
    assert not over_share.delegates.filter(name__in=["一线乙", "经理"]).exists()


# --- a list pasted twice ------------------------------------------------------------------------------

def test_a_list_pasted_twice_does_not_double_the_roll(tree):
    body = congress_body(org=tree.union1, headcount=150)
    text = "张三，一线职工，一团\n李四，技术人员，一团"
    rows = services.parse_delegate_lines(text, elected_on=D(2026, 1, 6))
    services.add_delegates(actor=tree.union1_chair, body=body, rows=rows)
    with pytest.raises(DomainError) as err:
        services.add_delegates(actor=tree.union1_chair, body=body, rows=rows)
    assert (err.value.code, err.value.field) == ("duplicate", "lines")
    assert "张三 (一团)" in err.value.text
    assert body.delegates.count() == 2


def test_a_name_twice_in_one_list_is_refused_but_namesakes_in_other_delegations_pass(tree):
    body = congress_body(org=tree.union1, headcount=150)
    twice = services.parse_delegate_lines("王五，一线职工，一团\n王五，一线职工，一团", elected_on=D(2026, 1, 6))
    with pytest.raises(DomainError):
        services.add_delegates(actor=tree.union1_chair, body=body, rows=twice)
    assert not body.delegates.exists()
    namesakes = services.parse_delegate_lines("王五，一线职工，一团\n王五，一线职工，二团", elected_on=D(2026, 1, 6))
    assert len(services.add_delegates(actor=tree.union1_chair, body=body, rows=namesakes)) == 2
