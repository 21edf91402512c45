"""Committee services: seating (term numbers, the previous term replaced, the chair's name on the
union, audit), recording from paper, the member-list rules at their edges, term ends (29 Feb)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.grassroots.models import Committee, CommitteeMember, CommitteeSource, CommitteeStatus
from gonghui.grassroots.services import committees as services
from gonghui.grassroots.testing.committees import committee, members_list
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
TODAY = services.today()
D = datetime.date


def _seat(tree, **kw):
    args = {"actor": tree.town1_cadre, "union": tree.union1, "elected_on": D(2024, 5, 10), "term_years": 5,
            "members": members_list(3), "source": CommitteeSource.ELECTION}
    args.update(kw)
    return services.seat_committee(**args)


@pytest.mark.parametrize(("elected", "years", "ends"), [
    (D(2024, 5, 10), 5, D(2029, 5, 9)),
    (D(2024, 1, 1), 3, D(2026, 12, 31)),
    (D(2024, 2, 29), 3, D(2027, 2, 28)),   # leap day: anniversary 1 March, ends 28 February
    (D(2024, 2, 29), 4, D(2028, 2, 28)),   # a leap anniversary: the day before it
    (D(2023, 3, 1), 5, D(2028, 2, 29)),    # ends on a leap day
])
def test_term_end(elected, years, ends):
    assert services.term_end(elected, years) == ends


def test_seat_first_committee_numbers_it_1_and_sets_the_chair(tree):
    tree.member()
    tree.member()
    c = _seat(tree, members=[{"name": "王芳", "position": "MEMBER", "person": None},
                             {"name": "李强", "position": "CHAIR", "person": None}])
    assert (c.term_number, c.status, c.term_ends_on, c.members_at_election) == (
        1, CommitteeStatus.CURRENT, D(2029, 5, 9), 2)
    # The chair is listed first whatever the order given.
    assert list(c.members.values_list("name", "position")) == [("李强", "CHAIR"), ("王芳", "MEMBER")]
    assert Org.objects.get(pk=tree.union1.pk).chair_name == "李强"
    assert AuditEvent.objects.filter(action="grassroots.committee.seat", object_id=str(c.pk)).exists()
    assert AuditEvent.objects.filter(action="orgs.org.update", object_id=str(tree.union1.pk)).exists()


def test_seat_replaces_the_current_committee_and_keeps_history(tree):
    first = _seat(tree, elected_on=D(2021, 5, 10), term_years=3, source=CommitteeSource.FOUNDING)
    second = _seat(tree, elected_on=D(2024, 5, 10))
    first.refresh_from_db()
    assert (first.status, first.ended_on) == (CommitteeStatus.REPLACED, D(2024, 5, 10))
    assert (second.term_number, second.status) == (2, CommitteeStatus.CURRENT)
    assert Committee.objects.filter(org=tree.union1).count() == 2
    assert AuditEvent.objects.filter(action="grassroots.committee.replace", object_id=str(first.pk)).exists()


def test_seat_must_follow_the_current_committees_election(tree):
    _seat(tree, elected_on=D(2024, 5, 10))
    for day in (D(2024, 5, 10), D(2023, 1, 1)):
        with pytest.raises(DomainError) as exc:
            _seat(tree, elected_on=day)
        assert exc.value.code == "elected_before_current"
    assert _seat(tree, elected_on=D(2024, 5, 11)).term_number == 2


def test_seat_requires_approve(tree):
    with pytest.raises(PermissionDenied):
        _seat(tree, actor=tree.union1_chair)
    with pytest.raises(PermissionDenied):
        _seat(tree, actor=tree.town2_cadre)
    assert not Committee.objects.exists()


def test_seat_refuses_a_paper_source(tree):
    with pytest.raises(DomainError) as exc:
        _seat(tree, source=CommitteeSource.RECORD)
    assert exc.value.code == "source"


@pytest.mark.parametrize(("members", "code"), [
    ([], "no_members"),
    ([{"name": "甲", "position": "MEMBER"}], "one_chair"),
    ([{"name": "甲", "position": "CHAIR"}, {"name": "乙", "position": "CHAIR"}], "one_chair"),
    ([{"name": "甲", "position": "CHAIR"}, {"name": " 甲 ", "position": "MEMBER"}], "member_duplicate"),
    ([{"name": "甲", "position": "CHAIR"}, {"name": "  ", "position": "MEMBER"}], "member_name"),
    ([{"name": "甲", "position": "CHAIR"}, {"name": "乙", "position": "BOSS"}], "member_position"),
    ([{"name": "甲" * 65, "position": "CHAIR"}], "member_name"),
    ([{"name": "甲", "position": "CHAIR", "gender": "X"}], "member_gender"),
])
def test_member_list_rules(tree, members, code):
    with pytest.raises(DomainError) as exc:
        _seat(tree, members=members)
    assert exc.value.code == code
    assert not Committee.objects.exists()
    assert Org.objects.get(pk=tree.union1.pk).chair_name == tree.union1.chair_name


def test_member_count_limit_at_its_edge(tree):
    assert _seat(tree, members=members_list(45)).members.count() == 45
    with pytest.raises(DomainError) as exc:
        _seat(tree, members=members_list(46), elected_on=D(2025, 1, 1))
    assert exc.value.code == "too_many_members"


def test_a_single_chair_is_a_committee(tree):
    assert _seat(tree, members=[{"name": "甲", "position": "CHAIR", "person": None}]).members.count() == 1


def test_row_number_in_the_message(tree):
    with pytest.raises(DomainError) as exc:
        _seat(tree, members=[{"name": "甲", "position": "CHAIR"}, {"name": "乙"}, {"name": "甲"}])
    assert "3" in exc.value.text and "1" in exc.value.text


@pytest.mark.parametrize(("years", "ok"), [(3, True), (5, True), (4, False), (0, False), (None, False)])
def test_term_years(tree, years, ok):
    if ok:
        assert _seat(tree, term_years=years).term_years == years
    else:
        with pytest.raises(DomainError) as exc:
            _seat(tree, term_years=years)
        assert exc.value.code == "term_years"


def test_term_years_from_the_setting(tree, settings):
    # A deployment may narrow the lawful 3 or 5 years (e.g. its province only uses 5).
    settings.GRASSROOTS_COMMITTEES_RULES = {"term_years": [5]}
    with pytest.raises(DomainError) as exc:
        _seat(tree, term_years=3)
    assert exc.value.code == "term_years"
    assert _seat(tree, term_years=5).term_ends_on == D(2029, 5, 9)


def test_election_date_edges(tree):
    assert _seat(tree, elected_on=TODAY).elected_on == TODAY
    with pytest.raises(DomainError) as exc:
        _seat(tree, elected_on=TODAY + datetime.timedelta(days=1), union=tree.union1b)
    assert exc.value.code == "date_in_future"
    with pytest.raises(DomainError) as exc:
        _seat(tree, elected_on=D(1949, 12, 31), union=tree.union1b)
    assert exc.value.code == "date_range"


def test_only_grassroots_unions_have_committees(tree):
    with pytest.raises(DomainError) as exc:
        _seat(tree, union=tree.town1)
    assert exc.value.code == "not_a_union"


def test_record_committee_by_the_chair(tree):
    c = services.record_committee(actor=tree.union1_chair, union=tree.union1, elected_on=D(2022, 6, 1),
                                  term_years=3, members=members_list(5), members_at_election=80, note="据档案")
    assert (c.source, c.term_number, c.members_at_election, c.term_ends_on) == (
        CommitteeSource.RECORD, 1, 80, D(2025, 5, 31))
    assert AuditEvent.objects.filter(action="grassroots.committee.record", object_id=str(c.pk)).exists()


def test_record_committee_refused_to_members_and_out_of_scope(tree):
    for user in (tree.member_user, tree.union2_chair, tree.town2_cadre, tree.outsider):
        with pytest.raises(PermissionDenied):
            services.record_committee(actor=user, union=tree.union1, elected_on=D(2022, 6, 1), term_years=3,
                                      members=members_list(3))
    assert not Committee.objects.exists()


def test_record_committee_negative_members(tree):
    with pytest.raises(DomainError) as exc:
        services.record_committee(actor=tree.union1_chair, union=tree.union1, elected_on=D(2022, 6, 1),
                                  term_years=3, members=members_list(3), members_at_election=-1)
    assert exc.value.code == "members_at_election"


def test_db_one_current_committee_per_union(tree):
    committee(tree.union1, elected_on=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.create(org=tree.union1, term_number=2, term_years=3, elected_on=D(2023, 1, 1),
                                 term_ends_on=D(2025, 12, 31), source=CommitteeSource.RECORD)


def test_db_one_chair_per_committee(tree):
    c = committee(tree.union1, elected_on=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeMember.objects.create(committee=c, name="新人", position="CHAIR")


def test_db_replaced_has_an_end(tree):
    c = committee(tree.union1, elected_on=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.filter(pk=c.pk).update(status=CommitteeStatus.REPLACED)
