import pytest

from gonghui.accounts.roles import Role
from gonghui.core.testing.factories import EnterpriseFactory, add_org, user_with_role
from gonghui.orgs.models import Org, OrgLevel


class OtherDistrict:
    """A second, separate tree: out of scope even for the first district's staff."""

    def __init__(self):
        self.district = add_org(None, "另一区总工会", OrgLevel.DISTRICT, code="OD")
        self.town = add_org(self.district, "另一街道总工会", OrgLevel.TOWN, code="OT")
        self.union = add_org(self.town, "另一企业工会", OrgLevel.GRASSROOTS, code="OU")
        for name in ("district", "town", "union"):
            setattr(self, name, Org.objects.get(pk=getattr(self, name).pk))
        self.enterprise = EnterpriseFactory(town=self.town, union=self.union)
        self.staff = user_with_role(self.district, Role.DISTRICT_STAFF, username="otherdistrict")


@pytest.fixture
def other(tree):
    return OtherDistrict()


@pytest.fixture
def hx():
    """Headers of an htmx request."""
    return {"HTTP_HX_REQUEST": "true"}
