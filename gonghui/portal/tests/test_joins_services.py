"""The joins services: routing, every refusal of a submission, approval into the registry (new
person, rejoin, the login linked), rejection, withdrawal, audit rows and notifications, and the
member's own transfer."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification
from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.members import services as member_services
from gonghui.members.models import JoinKind, Membership, MembershipStatus, Person, Transfer, TransferStatus
from gonghui.members.validation import clean_member_input
from gonghui.orgs.models import OrgLevel, UnionKind
from gonghui.portal.models.joins import JoinRequest, JoinRoute, JoinStatus
from gonghui.portal.services import joins as services
from gonghui.portal.testing.joins import id_number, join_input, join_request, worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(tree):
    return add_org(tree.town1, "城厢街道联合工会", OrgLevel.GRASSROOTS, union_kind=UnionKind.JOINT)


@pytest.fixture
def small_firm(tree):
    return EnterpriseFactory(town=tree.town1, union=None, name="城厢小五金加工厂", headcount=12)


def codes(exc):
    return {e.code for e in exc.value.error_list} if hasattr(exc.value, "error_list") else {exc.value.code}


# --- submission and routing ---------------------------------------------------------------------

def test_an_enterprise_with_a_union_routes_to_that_union(tree):
    j = join_request(enterprise=tree.enterprise1, hometown_province="", id_no=id_number(1, region="341221"))
    assert (j.route, j.org, j.town, j.status) == (JoinRoute.UNION, tree.union1, tree.town1, JoinStatus.PENDING)
    assert j.enterprise_name == tree.enterprise1.name
    # birth and gender from the ID; a hometown outside the local province makes a migrant
    assert j.birth_on == datetime.date(1996, 5, 1) and j.gender == "M"
    assert j.hometown_province == "安徽省" and j.is_migrant is True
    assert j.id_number_masked.startswith("341221") and "*" in j.id_number_masked
    assert j.phone_masked == "139****1111" and j.phone() == "13900001111"
    row = AuditEvent.objects.get(action="portal.join.submit")
    assert row.org_id == tree.union1.pk and "13900001111" not in str(row.after)
    assert Notification.objects.filter(recipient=tree.union1_chair).exists()


def test_a_typed_exact_name_finds_the_registered_enterprise(tree):
    j = join_request(enterprise_name=tree.enterprise2.name)
    assert (j.enterprise, j.org) == (tree.enterprise2, tree.union2)


def test_an_enterprise_without_a_union_routes_to_its_town(tree, small_firm):
    j = join_request(enterprise=small_firm)
    assert (j.route, j.org, j.town) == (JoinRoute.TOWN, tree.town1, tree.town1)
    assert Notification.objects.filter(recipient=tree.town1_cadre).exists()


def test_an_unregistered_enterprise_needs_its_town(tree):
    with pytest.raises(ValidationError) as exc:
        join_request(enterprise_name="某某小吃店")
    assert "town" in exc.value.message_dict
    j = join_request(enterprise_name="某某小吃店", town=tree.town2)
    assert (j.route, j.org, j.enterprise, j.enterprise_name) == (JoinRoute.TOWN, tree.town2, None, "某某小吃店")


def test_every_bad_field_is_reported_at_once_and_nothing_is_saved(tree):
    with pytest.raises(ValidationError) as exc:
        services.submit_join(actor=worker(), data=join_input(name="", id_no="330109199605010010", phone="123",
                                                              consent=False))
    assert {"name", "id_number", "phone", "enterprise_name", "consent"} <= set(exc.value.message_dict)
    assert not JoinRequest.objects.exists()


def test_the_login_mobile_is_used_when_it_has_one(tree):
    user = worker(phone="13712345678")
    if not getattr(user, "phone_enc", ""):
        pytest.skip("accounts have no mobile yet (portal/auth)")
    j = services.submit_join(actor=user, data=join_input(phone="", enterprise=tree.enterprise1))
    assert j.phone() == "13712345678"


def test_one_open_request_per_login(tree):
    user = worker()
    join_request(account=user, enterprise=tree.enterprise1)
    with pytest.raises(DomainError) as exc:
        join_request(account=user, enterprise=tree.enterprise2)
    assert exc.value.code == "already_open"


def test_one_open_request_per_id_number(tree):
    number = id_number()
    join_request(id_no=number, enterprise=tree.enterprise1)
    with pytest.raises(DomainError) as exc:
        join_request(id_no=number, enterprise=tree.enterprise2)
    assert exc.value.code == "already_open"


def test_a_live_member_is_told_to_transfer_without_naming_the_union(tree):
    m = tree.member(tree.union2)
    with pytest.raises(DomainError) as exc:
        join_request(id_no=m.person.id_number(), enterprise=tree.enterprise1)
    assert exc.value.code == "already_member" and tree.union2.name not in exc.value.text


def test_a_linked_member_login_is_told_where_they_are(tree):
    m = tree.member(tree.union2)
    user = worker()
    Person.objects.filter(pk=m.person_id).update(account=user)
    with pytest.raises(DomainError) as exc:
        join_request(account=user, id_no=id_number(), enterprise=tree.enterprise1)
    assert exc.value.code == "already_member" and tree.union2.name in exc.value.text


def test_an_id_linked_to_another_login_is_refused(tree):
    m = tree.member(tree.union1)
    member_services.end_membership(actor=tree.union1_chair, membership=m, ended_on=datetime.date.today(),
                                   reason="离职")
    Person.objects.filter(pk=m.person_id).update(account=worker())
    with pytest.raises(DomainError) as exc:
        join_request(id_no=m.person.id_number(), enterprise=tree.enterprise1)
    assert exc.value.code == "id_linked_elsewhere"


# --- decisions ------------------------------------------------------------------------------------

def test_approval_registers_the_member_and_links_the_login(tree):
    user = worker()
    j = join_request(account=user, enterprise=tree.enterprise1, name="王芳")
    done = services.approve_join(actor=tree.union1_chair, join_request=j)
    assert (done.status, done.union, done.decided_by) == (JoinStatus.APPROVED, tree.union1, tree.union1_chair)
    m = done.membership
    assert (m.union, m.enterprise, m.status, m.join_kind) == (tree.union1, tree.enterprise1, "ACTIVE", JoinKind.NEW)
    person = Person.objects.get(pk=m.person_id)
    assert person.name == "王芳" and person.account == user and person.id_number() == j.id_number()
    assert person.phone() == "13900001111"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"portal.join.approve", "members.membership.create", "members.person.link_account"} <= actions
    assert Notification.objects.filter(recipient=user, url="/m/join/status/").exists()


def test_a_town_routed_request_is_admitted_to_the_union_the_town_chose(tree, joint, small_firm):
    j = join_request(enterprise=small_firm)
    with pytest.raises(DomainError) as exc:
        services.approve_join(actor=tree.town1_cadre, join_request=j)
    assert exc.value.code == "union_required"
    with pytest.raises(DomainError) as exc:
        services.approve_join(actor=tree.town1_cadre, join_request=j, union=tree.union2)
    assert exc.value.code == "union_outside"
    done = services.approve_join(actor=tree.town1_cadre, join_request=j, union=joint)
    assert (done.union, done.membership.union, done.membership.enterprise) == (joint, joint, small_firm)


def test_a_union_routed_request_cannot_go_elsewhere(tree):
    j = join_request(enterprise=tree.enterprise1)
    with pytest.raises(DomainError) as exc:
        services.approve_join(actor=tree.town1_cadre, join_request=j, union=tree.union1b)
    assert exc.value.code == "union_fixed"


def test_a_worker_who_left_rejoins_with_the_same_person(tree):
    m = tree.member(tree.union1, education="COLLEGE", skill_level="LEVEL3")
    member_services.end_membership(actor=tree.union1_chair, membership=m, ended_on=datetime.date.today(),
                                   reason="离职")
    j = join_request(id_no=m.person.id_number(), enterprise=tree.enterprise2, name=m.person.name)
    done = services.approve_join(actor=tree.union2_chair, join_request=j)
    assert done.person_id == m.person_id and done.membership.join_kind == JoinKind.REJOIN
    person = Person.objects.get(pk=m.person_id)
    assert (person.education, person.skill_level) == ("COLLEGE", "LEVEL3")


def test_a_registration_in_the_meantime_undoes_the_approval(tree):
    j = join_request(enterprise=tree.enterprise1)
    data = clean_member_input({"name": j.name, "id_number": j.id_number()})
    member_services.register_member(actor=tree.union2_chair, union=tree.union2, data=data)
    with pytest.raises(DomainError) as exc:
        services.approve_join(actor=tree.union1_chair, join_request=j)
    assert exc.value.code == "already_member"
    j.refresh_from_db()
    assert j.status == JoinStatus.PENDING and not AuditEvent.objects.filter(action="portal.join.approve").exists()


def test_a_decided_request_cannot_be_decided_again(tree):
    j = join_request(enterprise=tree.enterprise1)
    services.reject_join(actor=tree.union1_chair, join_request=j, reason="非本企业职工")
    with pytest.raises(DomainError) as exc:
        services.approve_join(actor=tree.union1_chair, join_request=j)
    assert exc.value.code == "wrong_stage"


def test_rejection_needs_a_reason_and_tells_the_worker(tree):
    user = worker()
    j = join_request(account=user, enterprise=tree.enterprise1)
    with pytest.raises(DomainError) as exc:
        services.reject_join(actor=tree.union1_chair, join_request=j, reason="  ")
    assert exc.value.code == "reason_required"
    done = services.reject_join(actor=tree.union1_chair, join_request=j, reason="经核实非本企业职工")
    assert (done.status, done.decision_note) == (JoinStatus.REJECTED, "经核实非本企业职工")
    assert Notification.objects.filter(recipient=user).exists()
    # a rejected worker may send a new request
    assert join_request(account=user, enterprise=tree.enterprise1).status == JoinStatus.PENDING


def test_only_the_deciding_orgs_subtree_decides(tree):
    j = join_request(enterprise=tree.enterprise1)
    for outsider in (tree.union2_chair, tree.town2_cadre, tree.member_user, tree.outsider):
        with pytest.raises(PermissionDenied):
            services.approve_join(actor=outsider, join_request=j)
        with pytest.raises(PermissionDenied):
            services.reject_join(actor=outsider, join_request=j, reason="不符合条件")


def test_the_worker_withdraws_their_own_pending_request(tree):
    user = worker()
    j = join_request(account=user, enterprise=tree.enterprise1)
    with pytest.raises(PermissionDenied):
        services.withdraw_join(actor=worker(), join_request=j)
    done = services.withdraw_join(actor=user, join_request=j)
    assert done.status == JoinStatus.WITHDRAWN
    with pytest.raises(DomainError) as exc:
        services.withdraw_join(actor=user, join_request=j)
    assert exc.value.code == "wrong_stage"


# --- the member's own transfer ----------------------------------------------------------------------

def _member_login(tree, union=None):
    m = tree.member(union or tree.union1)
    user = worker()
    Person.objects.filter(pk=m.person_id).update(account=user)
    return user, m


def test_a_member_asks_to_move_to_the_new_enterprises_union(tree):
    user, m = _member_login(tree)
    t = services.request_my_transfer(actor=user, enterprise=tree.enterprise2)
    assert (t.from_union, t.to_union, t.to_enterprise, t.status) == (tree.union1, tree.union2, tree.enterprise2,
                                                                      TransferStatus.PENDING)
    assert t.requested_by == user and t.reason == "更换工作单位"
    assert Membership.objects.get(pk=m.pk).status == MembershipStatus.TRANSFER_PENDING
    assert Notification.objects.filter(recipient=tree.union2_chair).exists()
    with pytest.raises(DomainError) as exc:
        services.request_my_transfer(actor=user, enterprise=tree.enterprise1)
    assert exc.value.code == "already_open"
    # the receiving union accepts on the registry's pages, as any transfer
    member_services.accept_transfer(actor=tree.union2_chair, transfer=t)
    assert Membership.objects.get(person=m.person, status="ACTIVE").union == tree.union2


def test_a_move_to_an_enterprise_without_a_union_needs_a_union_of_its_town(tree, joint, small_firm):
    user, _m = _member_login(tree, tree.union2)
    with pytest.raises(DomainError) as exc:
        services.request_my_transfer(actor=user, enterprise=small_firm)
    assert exc.value.code == "union_required"
    with pytest.raises(DomainError) as exc:
        services.request_my_transfer(actor=user, enterprise=small_firm, union=tree.union2)
    assert exc.value.code == "union_outside"
    t = services.request_my_transfer(actor=user, enterprise=small_firm, union=joint)
    assert (t.to_union, t.to_enterprise) == (joint, small_firm)


def test_an_unregistered_new_employer_is_named_in_the_reason(tree, joint):
    user, _m = _member_login(tree, tree.union2)
    t = services.request_my_transfer(actor=user, enterprise_name="城厢某某饭店", town=tree.town1, union=joint)
    assert t.to_enterprise is None and "城厢某某饭店" in t.reason


def test_only_a_linked_live_member_can_ask(tree):
    with pytest.raises(DomainError) as exc:
        services.request_my_transfer(actor=worker(), enterprise=tree.enterprise2)
    assert exc.value.code == "not_member"
    # the registry refuses a login that is not the person's own
    m = tree.member(tree.union1)
    with pytest.raises(PermissionDenied):
        member_services.request_own_transfer(actor=worker(), membership=m, to_union=tree.union2,
                                             effective_on=datetime.date.today())
    assert not Transfer.objects.exists()


# --- the dashboard's due line ------------------------------------------------------------------------

def test_the_due_line_counts_overdue_and_soon_pending_requests(tree):
    from django.utils import timezone

    from gonghui.core.dashboard import due_for
    from gonghui.portal.selectors.joins import due_summary

    old = join_request(enterprise=tree.enterprise1)
    soon = join_request(enterprise=tree.enterprise1)
    join_request(enterprise=tree.enterprise1)  # fresh: neither
    JoinRequest.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=20))
    JoinRequest.objects.filter(pk=soon.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=13))
    line = due_summary(tree.town1_cadre)
    assert (line.overdue, line.soon) == (1, 1) and line.url.endswith("?overdue=1")
    assert any(s.label == line.label for s in due_for(tree.town1_cadre))
    assert (due_summary(tree.town2_cadre).overdue, due_summary(tree.town2_cadre).soon) == (0, 0)
    assert due_summary(tree.member_user) is None
