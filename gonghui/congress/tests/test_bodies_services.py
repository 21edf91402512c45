"""Congress terms and delegate rolls: the statutory edges (quota table, term length, managers'
share), one current term, and nothing saved on a refusal."""

import datetime

import pytest
from django.utils import translation

from gonghui.congress import rules
from gonghui.congress.models import BodyKind, BodyStatus, CongressBody, Delegate, DelegateCategory
from gonghui.congress.services import bodies as services
from gonghui.congress.services.bodies import DelegateInput
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- the quota table and the form --------------------------------------------------------------

@pytest.mark.parametrize(("headcount", "kind", "quota"), [
    (99, BodyKind.ALL_STAFF, 0), (100, BodyKind.CONGRESS, 30), (199, BodyKind.CONGRESS, 30),
    (200, BodyKind.CONGRESS, 35), (3000, BodyKind.CONGRESS, 175), (3001, BodyKind.CONGRESS, 175),
])
def test_form_and_quota_follow_headcount(tree, headcount, kind, quota):
    body = services.constitute_body(actor=tree.union1_chair, enterprise=tree.enterprise1, term_starts_on=D(2026, 1, 5),
                                    term_years=3, headcount=headcount)
    assert (body.kind, body.delegate_quota, body.headcount) == (kind, quota, headcount)
    assert rules.delegate_quota(headcount) == quota


def test_the_wrong_form_is_refused_with_the_reason(tree):
    with pytest.raises(DomainError) as err:
        services.constitute_body(actor=tree.union1_chair, enterprise=tree.enterprise1, term_starts_on=D(2026, 1, 5),
                                 term_years=3, headcount=99, kind=BodyKind.CONGRESS)
    assert err.value.code == "wrong_form" and err.value.field == "kind"
    assert "With 99 staff the form is “All-staff meeting”" in err.value.text
    assert not CongressBody.objects.exists()


@pytest.mark.parametrize(("years", "ok"), [(2, False), (3, True), (5, True), (6, False)])
def test_term_is_three_to_five_years(tree, years, ok):
    call = lambda: services.constitute_body(actor=tree.union1_chair, enterprise=tree.enterprise1,  # noqa: E731
                                            term_starts_on=D(2026, 3, 1), term_years=years)
    if ok:
        body = call()
        assert body.term_ends_on == D(2026 + years, 2, 28)
    else:
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.field == "term_years"
        assert f"{years} years is not allowed" in err.value.text
        assert not CongressBody.objects.exists()


def test_term_end_handles_29_february():
    assert services.term_end(D(2024, 2, 29), 3) == D(2027, 2, 28)
    assert services.term_end(D(2024, 2, 29), 4) == D(2028, 2, 28)
    assert services.term_end(D(2025, 1, 10), 5) == D(2030, 1, 9)


def test_one_current_term_then_the_next_numbered_on(tree):
    first = services.constitute_body(actor=tree.union1_chair, enterprise=tree.enterprise1,
                                     term_starts_on=D(2023, 1, 5), term_years=3)
    with pytest.raises(DomainError) as err:
        services.constitute_body(actor=tree.union1_chair, enterprise=tree.enterprise1,
                                 term_starts_on=D(2026, 1, 5), term_years=3)
    assert err.value.code == "already_open"
    assert "already has a congress in its current term" in err.value.text
    second = services.constitute_next_term(actor=tree.union1_chair, body=first, term_starts_on=D(2026, 1, 5),
                                           term_years=5)
    first.refresh_from_db()
    assert first.status == BodyStatus.ENDED
    assert (second.term_number, second.status) == (2, BodyStatus.ACTIVE)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["congress.constitute", "congress.end_term", "congress.constitute"]


def test_next_term_must_start_after_the_previous(tree):
    first = services.constitute_body(actor=tree.union1_chair, enterprise=tree.enterprise1,
                                     term_starts_on=D(2023, 1, 5), term_years=3)
    with pytest.raises(DomainError) as err:
        services.constitute_next_term(actor=tree.union1_chair, body=first, term_starts_on=D(2023, 1, 5), term_years=3)
    assert err.value.field == "term_starts_on"
    first.refresh_from_db()
    assert first.status == BodyStatus.ACTIVE  # nothing partial: the end was rolled back too


def test_an_enterprise_without_union_cannot_constitute(tree):
    from gonghui.core.testing.factories import EnterpriseFactory

    loose = EnterpriseFactory(town=tree.town1, union=None)
    with pytest.raises(DomainError) as err:
        services.constitute_body(actor=tree.town1_cadre, enterprise=loose, term_starts_on=D(2026, 1, 5), term_years=3)
    assert err.value.code == "no_union"


def test_a_planned_session_blocks_ending_the_term(tree):
    body = congress_body(org=tree.union1)
    session(body)
    with pytest.raises(DomainError) as err:
        services.end_term(actor=tree.union1_chair, body=body)
    assert err.value.code == "wrong_stage"
    body.refresh_from_db()
    assert body.status == BodyStatus.ACTIVE


# --- managers' share ---------------------------------------------------------------------------

def _add(tree, body, category=DelegateCategory.MANAGER, **extra):
    return services.add_delegate(actor=tree.union1_chair, body=body, data=DelegateInput(
        name=extra.pop("name", "新代表"), category=category, elected_on=body.term_starts_on, **extra))


@pytest.mark.parametrize(("managers", "ok"), [(5, True), (6, False)])
def test_managers_at_most_a_fifth(tree, managers, ok):
    """24 front-line + `managers` managers, then one more manager: 6 of 30 is allowed, 7 of 31 is
    not (at most 6)."""
    body = congress_body(org=tree.union1, headcount=150)
    delegates(body, count=24 + managers, managers=managers)
    if ok:
        _add(tree, body)
        assert Delegate.objects.filter(body=body, category=DelegateCategory.MANAGER).count() == 6
    else:
        with pytest.raises(DomainError) as err:
            _add(tree, body)
        assert err.value.code == "manager_share" and err.value.field == "category"
        assert "Managers would be 7 of 31 delegates; at most 6" in err.value.text
        assert Delegate.objects.filter(body=body).count() == 30


def test_seven_of_thirty_managers_refused_on_edit(tree):
    body = congress_body(org=tree.union1, headcount=150)
    rows = delegates(body, count=30, managers=6)
    front = rows[-1]
    with pytest.raises(DomainError) as err:
        services.update_delegate(actor=tree.union1_chair, delegate=front, name=front.name,
                                 category=DelegateCategory.MANAGER, group=front.group, elected_on=front.elected_on)
    assert "Managers would be 7 of 30 delegates; at most 6" in err.value.text
    front.refresh_from_db()
    assert front.category == DelegateCategory.FRONT_LINE


def test_substitutes_count_neither_in_the_share_nor_the_quota(tree):
    body = congress_body(org=tree.union1, headcount=150)
    delegates(body, count=30, managers=6, substitutes=5)
    # A manager substitute: the seated roll is still 30 with 6 managers.
    sub = _add(tree, body, is_substitute=True, name="候补经理")
    from gonghui.congress.selectors.bodies import roll_of

    roll = roll_of(body)
    assert (roll.seated, roll.managers, len(roll.substitutes), roll.quota_gap) == (30, 6, 6, 0)
    # Promoting him would make 7 of 31: refused.
    with pytest.raises(DomainError) as err:
        services.promote_substitute(actor=tree.union1_chair, delegate=sub)
    assert err.value.code == "manager_share"
    sub.refresh_from_db()
    assert sub.is_substitute


def test_a_substitute_takes_the_seat_of_a_delegate_who_left(tree):
    body = congress_body(org=tree.union1, headcount=150)
    rows = delegates(body, count=30, managers=6, substitutes=1)
    leaving, sub = rows[10], rows[-1]
    services.end_delegate(actor=tree.union1_chair, delegate=leaving, ended_on=D(2026, 2, 1), reason="调离")
    services.promote_substitute(actor=tree.union1_chair, delegate=sub)
    from gonghui.congress.selectors.bodies import roll_of

    roll = roll_of(body)
    assert (roll.seated, len(roll.substitutes), len(roll.ended)) == (30, 0, 1)
    assert AuditEvent.objects.filter(action="congress.delegate_promote", object_id=str(sub.pk)).exists()


def test_all_staff_meeting_has_no_share_rule(tree):
    body = congress_body(org=tree.union1, headcount=60)
    _add(tree, body)  # one manager alone: an all-staff meeting elects no delegates to balance
    assert body.kind == BodyKind.ALL_STAFF


def test_member_must_be_a_live_member_of_the_union(tree):
    body = congress_body(org=tree.union1, headcount=150)
    delegates(body, count=10, managers=0)
    other = tree.member(union=tree.union2)
    with pytest.raises(DomainError) as err:
        _add(tree, body, category=DelegateCategory.FRONT_LINE, person=other.person, name="")
    assert err.value.code == "not_member"
    mine = tree.member()
    added = _add(tree, body, category=DelegateCategory.FRONT_LINE, person=mine.person, name="")
    assert added.name == mine.person.name
    with pytest.raises(DomainError) as err:
        _add(tree, body, category=DelegateCategory.FRONT_LINE, person=mine.person, name="")
    assert err.value.code == "already_delegate"


def test_end_needs_a_reason_and_a_date_after_election(tree):
    body = congress_body(org=tree.union1, headcount=150)
    d = delegates(body, count=1, managers=0)[0]
    with pytest.raises(DomainError) as err:
        services.end_delegate(actor=tree.union1_chair, delegate=d, ended_on=D(2026, 2, 1), reason=" ")
    assert err.value.field == "reason"
    with pytest.raises(DomainError) as err:
        services.end_delegate(actor=tree.union1_chair, delegate=d, ended_on=D(2024, 2, 1), reason="调离")
    assert err.value.field == "ended_on"
    d.refresh_from_db()
    assert d.ended_on is None


def test_pasted_list_all_or_nothing(tree):
    body = congress_body(org=tree.union1, headcount=150)
    text = "王芳，一线职工，第一代表团\n李强\t管理人员\t第二代表团\n赵六,技术人员,第一代表团,候补\n"
    rows = services.parse_delegate_lines(text, elected_on=body.term_starts_on)
    assert [(r.name, r.category, r.is_substitute) for r in rows] == [
        ("王芳", DelegateCategory.FRONT_LINE, False), ("李强", DelegateCategory.MANAGER, False),
        ("赵六", DelegateCategory.TECHNICIAN, True)]
    with pytest.raises(DomainError) as err:
        services.parse_delegate_lines("王芳，一线职工\n李强，厨师", elected_on=body.term_starts_on)
    assert "Line 2 (李强)" in err.value.text
    # 1 manager of 2 seated is over 20%: the whole list is refused.
    with pytest.raises(DomainError) as err:
        services.add_delegates(actor=tree.union1_chair, body=body, rows=rows)
    assert err.value.code == "manager_share"
    assert not Delegate.objects.exists()
    many = "\n".join(f"代表{i}，一线职工，一团" for i in range(8)) + "\n经理，管理人员，一团\n"
    created = services.add_delegates(actor=tree.union1_chair, body=body,
                                     rows=services.parse_delegate_lines(many, elected_on=body.term_starts_on))
    assert len(created) == 9


def test_ended_term_roll_is_frozen(tree):
    body = congress_body(org=tree.union1, headcount=150, status=BodyStatus.ENDED)
    with pytest.raises(DomainError) as err:
        _add(tree, body, category=DelegateCategory.FRONT_LINE)
    assert err.value.code == "wrong_stage"
