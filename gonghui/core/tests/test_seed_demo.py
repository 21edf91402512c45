"""seed_demo / demo_accounts: deterministic small district, valid identifiers, demo accounts."""

import datetime
import io
import random

import pytest
from django.core.management import CommandError, call_command

from gonghui.accounts.models import RoleAssignment, User
from gonghui.accounts.roles import Role
from gonghui.bargaining.models import WageAgreement
from gonghui.core import pii
from gonghui.core.demo.accounts import DEMO_PASSWORD
from gonghui.core.demo.generator import ANCHOR, TOWNS
from gonghui.core.demo.version import DATASET_VERSION
from gonghui.core.models import AuditEvent
from gonghui.core.testing.demo import wipe_demo_data
from gonghui.core.testing.identifiers import make_id_number
from gonghui.core.validators import parse_id_number, validate_uscc
from gonghui.members import services
from gonghui.members.models import LIVE_STATUSES, Membership, MembershipStatus, Person, Transfer, TransferStatus
from gonghui.members.validation import clean_member_input
from gonghui.orgs.models import Enterprise, Org, OrgLevel

pytestmark = pytest.mark.django_db


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", "--scale", "small", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot():
    people = list(Person.objects.order_by("id").values_list("name", "name_initials", "id_number_hash",
                                                             "phone_hash", "birth_on", "is_migrant"))
    orgs = list(Org.objects.order_by("path").values_list("path", "name", "level", "code"))
    firms = list(Enterprise.objects.order_by("id").values_list("name", "uscc", "headcount", "union__code"))
    periods = list(Membership.objects.order_by("id").values_list("person__id_number_hash", "union__code",
                                                                 "status", "joined_on", "ended_on"))
    return people, orgs, firms, periods


wipe = wipe_demo_data


def test_same_seed_same_data_whichever_writer():
    """One seed gives the same demo whichever writer (COPY or bulk_create) — people, tree, members,
    and the negotiations and congresses written on them — and another seed another; the wipe
    leaves none of it. (One test for every part: each seeding of the whole demo is seconds.)"""
    from gonghui.congress.models import CongressBody

    from .test_seed_bargaining import snapshot as negotiations
    from .test_seed_congress import snapshot as congresses

    def everything():
        return snapshot(), negotiations(), congresses()

    seed("--force", "--seed", "7")
    first = everything()
    assert all(first[1]) and all(first[2])
    wipe()
    assert not CongressBody.objects.exists() and not Org.objects.filter(level=OrgLevel.DISTRICT).exists()
    seed("--force", "--seed", "7", "--method", "bulk_create")
    assert everything() == first
    wipe()
    seed("--force", "--seed", "8")
    other = everything()
    assert other[0][0] != first[0][0] and other[1][0] != first[1][0] and other[2][4] != first[2][4]


def test_small_district_shape_and_identifiers():
    output = seed("--force")
    assert "22 towns, 2 platforms" in output
    root = Org.objects.get(level=OrgLevel.DISTRICT)
    towns = Org.objects.filter(level=OrgLevel.TOWN, depth=2)
    platforms = Org.objects.filter(level=OrgLevel.PLATFORM)
    assert towns.count() == 22 and platforms.count() == 2
    assert {o.short_name for o in Org.objects.filter(level__in=[OrgLevel.TOWN, OrgLevel.PLATFORM], depth=2)} == {
        name for name, _level, _w in TOWNS}
    assert all(o.path.startswith(root.path) for o in Org.objects.all())
    # treebeard's bookkeeping is right, so the tree API works on bulk-written nodes
    for node in Org.objects.all():
        assert node.numchild == Org.objects.filter(path__startswith=node.path, depth=node.depth + 1).count()
    assert Org.objects.filter(level=OrgLevel.GROUP).exists()
    assert Org.objects.filter(level=OrgLevel.INDUSTRY).exists()

    for firm in Enterprise.objects.all():
        validate_uscc(firm.uscc)
    people = list(Person.objects.all())
    assert 300 <= len(people) <= 900
    for person in people:
        number = person.id_number()
        facts = parse_id_number(number)
        assert person.id_number_hash == pii.lookup_hash(number)
        assert person.id_number_masked == pii.mask_id_number(number)
        assert (facts.birth_on, facts.gender) == (person.birth_on, person.gender)
        assert person.is_migrant == (not number.startswith("33"))
        if person.phone_enc:
            assert person.phone_hash == pii.lookup_hash(person.phone())
    migrant_share = sum(p.is_migrant for p in people) / len(people)
    assert 0.3 <= migrant_share <= 0.5

    # history, not only live rows; at most one live period each; dates never after the anchor
    statuses = set(Membership.objects.values_list("status", flat=True))
    assert {MembershipStatus.ACTIVE, MembershipStatus.TRANSFERRED_OUT, MembershipStatus.LEFT} <= statuses
    assert Transfer.objects.filter(status=TransferStatus.PENDING).exists()
    assert Membership.objects.filter(status=MembershipStatus.TRANSFER_PENDING).count() == Transfer.objects.filter(
        status=TransferStatus.PENDING).count()
    assert not Membership.objects.filter(joined_on__gt=ANCHOR).exists()
    assert all(m.union.level == OrgLevel.GRASSROOTS for m in Membership.objects.select_related("union"))

    event = AuditEvent.objects.get(action="core.seed_demo")
    assert event.after["people"] == len(people)
    assert event.after["dataset_version"] == DATASET_VERSION
    assert event.after["wage_agreements"]["total"] == WageAgreement.objects.count() > 0


def test_demo_accounts_roles_and_member1():
    seed("--force")
    roles = {(ra.user.username, ra.role): ra.org for ra in RoleAssignment.objects.select_related("user", "org")}
    root = Org.objects.get(level=OrgLevel.DISTRICT)
    assert roles[("district", Role.DISTRICT_STAFF)] == root
    town1, town2 = roles[("town1", Role.TOWN_CADRE)], roles[("town2", Role.TOWN_CADRE)]
    assert town1.level == town2.level == OrgLevel.TOWN and town1 != town2
    assert (town1.short_name, town2.short_name) == ("城厢街道", "北干街道")
    union1 = roles[("union1", Role.UNION_CHAIR)]
    assert union1.level == OrgLevel.GRASSROOTS and union1.union_kind == "ENTERPRISE"
    assert union1.path.startswith(town1.path)
    assert roles[("member1", Role.MEMBER)] == union1
    member1 = User.objects.get(username="member1")
    assert Membership.objects.filter(union=union1, status=MembershipStatus.ACTIVE,
                                     person__name=member1.display_name).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    for username in ("district", "town1", "town2", "union1", "member1", "admin"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    # scope: town2's cadre cannot see union1's members, town1's can
    town2_user = User.objects.get(username="town2")
    town1_user = User.objects.get(username="town1")
    assert not Membership.objects.visible_to(town2_user).filter(union=union1).exists()
    assert Membership.objects.visible_to(town1_user).filter(union=union1).exists()

    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    table = out.getvalue()
    for username in ("district", "town1", "town2", "union1", "member1", "admin"):
        assert username in table
    assert DEMO_PASSWORD in table and "城厢街道总工会" in table


def test_services_work_on_seeded_rows():
    """Ids written in bulk leave the sequences past them: the ORM and services still insert."""
    seed("--force")
    chair = User.objects.get(username="union1")
    union1 = chair.role_assignments.get().org
    number = make_id_number(random.Random(5), region="110101")  # a region code the seed never uses
    data = clean_member_input({"name": "测试新会员", "id_number": number, "phone": "13900001111",
                               "joined_on": "2026-01-05"})
    membership = services.register_member(actor=chair, union=union1, data=data)
    assert membership.pk > Membership.objects.exclude(pk=membership.pk).order_by("-pk").first().pk
    live = Membership.objects.filter(union=union1, status__in=LIVE_STATUSES).exclude(pk=membership.pk).first()
    other = Org.objects.filter(level=OrgLevel.GRASSROOTS).exclude(pk=union1.pk).first()
    transfer = services.request_transfer(actor=chair, membership=live, to_union=other,
                                         effective_on=datetime.date(2026, 11, 1))
    assert transfer.pk > 1


def test_if_empty_does_nothing_on_a_non_empty_database():
    seed("--force")
    before = (Person.objects.count(), Org.objects.count(), AuditEvent.objects.count())
    output = seed("--force", "--if-empty")
    assert "nothing to do" in output
    assert (Person.objects.count(), Org.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(CommandError, match="already holds"):
        seed("--force")


def test_refuses_demo_accounts_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()
    assert not Org.objects.exists() and not User.objects.exists()
    seed("--no-accounts")
    assert Person.objects.exists() and not User.objects.exists()


def test_debug_on_needs_no_force(settings):
    settings.DEBUG = True
    seed()
    assert User.objects.filter(username="district").exists()
