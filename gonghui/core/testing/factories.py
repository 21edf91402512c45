"""factory_boy factories shared by every app's tests."""

import datetime
import random

import factory

from gonghui.accounts.models import RoleAssignment, User
from gonghui.accounts.roles import Role
from gonghui.core.validators import parse_id_number
from gonghui.members.models import Membership, MembershipStatus, Person
from gonghui.orgs.models import Enterprise, Industry, Org, OrgLevel, UnionKind

from .identifiers import make_mobile, make_uscc

_rng = random.Random(20261125)


def add_org(parent, name, level, **extra):
    """Create an org node under `parent` (or a root when parent is None)."""
    code = extra.pop("code", None) or f"T{Org.objects.count() + 1:06d}{_rng.randrange(10**6):06d}"
    if level == OrgLevel.GRASSROOTS:
        extra.setdefault("union_kind", UnionKind.ENTERPRISE)
    node = Org(name=name, level=level, code=code, **extra)
    return Org.objects.add_child(parent, instance=node) if parent else Org.objects.add_root(instance=node)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "test-pass-2026")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def user_with_role(org, role: Role, **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, org=org, role=role)
    return user


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    uscc = factory.LazyFunction(lambda: make_uscc(_rng))
    industry = Industry.TEXTILES
    headcount = 120
    above_scale = True


_issued_ids = iter(range(10**6))


def _unique_id_number(birth_on, gender):
    """A valid ID number never issued before in this test process: the 3-digit sequence and the
    region vary with a counter, so thousands of people can share a birth date and gender."""
    from stdnum.cn import ric

    n = next(_issued_ids)
    region = ("330181", "330109", "330106", "330102")[n // 500 % 4]
    sequence = (n % 500) * 2 + (1 if gender == "M" else 0)
    body = f"{region}{birth_on:%Y%m%d}{sequence:03d}"
    if n >= 2000:  # past 2,000 people of one birth date, shift the date (still valid, still unique)
        body = f"{region}{birth_on + datetime.timedelta(days=n // 2000):%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"张{n}")
    name_initials = "z"
    gender = "M"
    birth_on = datetime.date(1990, 1, 1)
    hometown_province = "浙江省"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        id_number = kwargs.pop("id_number", None)
        obj = model_class(*args, **kwargs)
        if id_number is None:
            id_number = _unique_id_number(obj.birth_on, obj.gender)
            obj.birth_on = parse_id_number(id_number).birth_on  # keep the record consistent with its ID
        obj.set_id_number(id_number)
        obj.set_phone(make_mobile(_rng))
        obj.save()
        return obj


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    joined_on = datetime.date(2020, 1, 1)
    status = MembershipStatus.ACTIVE


class Tree:
    """A small district: two towns, a union in each, and a user per role and place.

    district ─┬─ town1 ─┬─ union1 (enterprise1)
              │         └─ union1b
              └─ town2 ─── union2 (enterprise2)
    """

    def __init__(self):
        self.district = add_org(None, "测试区总工会", OrgLevel.DISTRICT, code="D")
        self.town1 = add_org(self.district, "城厢街道总工会", OrgLevel.TOWN, code="T1")
        self.town2 = add_org(self.district, "北干街道总工会", OrgLevel.TOWN, code="T2")
        self.union1 = add_org(self.town1, "甲企业工会", OrgLevel.GRASSROOTS, code="U1")
        self.union1b = add_org(self.town1, "乙企业工会", OrgLevel.GRASSROOTS, code="U1B")
        self.union2 = add_org(self.town2, "丙企业工会", OrgLevel.GRASSROOTS, code="U2")
        for name in ("district", "town1", "town2", "union1", "union1b", "union2"):
            setattr(self, name, Org.objects.get(pk=getattr(self, name).pk))
        self.enterprise1 = EnterpriseFactory(town=self.town1, union=self.union1)
        self.enterprise2 = EnterpriseFactory(town=self.town2, union=self.union2)
        self.district_staff = user_with_role(self.district, Role.DISTRICT_STAFF, username="district")
        self.town1_cadre = user_with_role(self.town1, Role.TOWN_CADRE, username="town1")
        self.town2_cadre = user_with_role(self.town2, Role.TOWN_CADRE, username="town2")
        self.union1_chair = user_with_role(self.union1, Role.UNION_CHAIR, username="union1")
        self.union1_staff = user_with_role(self.union1, Role.UNION_STAFF, username="union1staff")
        self.union2_chair = user_with_role(self.union2, Role.UNION_CHAIR, username="union2")
        self.member_user = user_with_role(self.union1, Role.MEMBER, username="member1")
        self.outsider = UserFactory(username="outsider")

    def member(self, union=None, **person_kwargs):
        person = PersonFactory(**person_kwargs)
        return MembershipFactory(person=person, union=union or self.union1)
