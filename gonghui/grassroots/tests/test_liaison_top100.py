"""The district's top-100 flag exposed in the orgs app (liaison area): the enterprise form, list
filter and column, detail badge, export, admin and the /enterprises API (read and write). Only
the district's staff may change the flag (`orgs.set_top100`); a town cadre sees it disabled."""

import io

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.orgs import services
from gonghui.orgs.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(headers={"Accept-Language": "en"})


def test_service_only_the_district_sets_the_flag(tree):
    with pytest.raises(PermissionDenied):
        services.update_enterprise(actor=tree.town1_cadre, enterprise=tree.enterprise1, top100=True)
    services.update_enterprise(actor=tree.town1_cadre, enterprise=tree.enterprise1, top100=False)  # unchanged: ok
    services.update_enterprise(actor=tree.district_staff, enterprise=tree.enterprise1, top100=True)
    tree.enterprise1.refresh_from_db()
    assert tree.enterprise1.top100
    services.update_enterprise(actor=tree.town1_cadre, enterprise=tree.enterprise1, headcount=99)  # other fields: ok
    with pytest.raises(PermissionDenied):
        services.create_enterprise(actor=tree.town1_cadre, town=tree.town1, name="新企业", uscc="91330109MA27XK7Q4L",
                                   industry="TEXTILES", top100=True)


def test_list_filter_column_and_export(client, tree):
    top = EnterpriseFactory(town=tree.town1, name="百强甲有限公司", top100=True)
    client.force_login(tree.town1_cadre)
    url = reverse("orgs:enterprise_list")
    page = client.get(url, {"top100": "yes"}).content.decode()
    assert top.name in page and tree.enterprise1.name not in page and "Top-100" in page
    page = client.get(url, {"top100": "no"}).content.decode()
    assert top.name not in page and tree.enterprise1.name in page
    detail = client.get(reverse("orgs:enterprise_detail", args=[top.pk])).content.decode()
    assert "District top-100" in detail
    response = client.get(reverse("orgs:enterprise_export"), {"top100": "yes"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0].values)
    assert "District top-100" in rows[0] and len(rows) == 2 and rows[1][rows[0].index("District top-100")] == "Yes"


def test_form_disabled_below_the_district(client, tree):
    client.force_login(tree.town1_cadre)
    url = reverse("orgs:enterprise_edit", args=[tree.enterprise1.pk])
    form = client.get(url).content.decode()
    assert 'name="top100"' in form and "disabled" in form.split('name="top100"')[1].split(">")[0] + \
        form.split('name="top100"')[0].rsplit("<", 1)[1]
    e = tree.enterprise1
    data = {"name": e.name, "uscc": e.uscc, "industry": e.industry, "headcount": e.headcount, "town": e.town_id,
            "union": e.union_id, "address": "", "top100": "on"}
    assert client.post(url, data).status_code == 302  # the disabled field is ignored
    e.refresh_from_db()
    assert not e.top100
    client.force_login(tree.district_staff)
    assert client.post(url, data).status_code == 302
    e.refresh_from_db()
    assert e.top100


def test_api_read_write_and_filter(tree):
    EnterpriseFactory(town=tree.town1, top100=True)
    api = api_as(tree.district_staff)
    items = api.get("/enterprises", {"top100": True}).json()["items"]
    assert len(items) == 1 and items[0]["top100"] is True
    assert all(not i["top100"] for i in api.get("/enterprises", {"top100": False}).json()["items"])
    r = api.patch(f"/enterprises/{tree.enterprise1.pk}", {"top100": True})
    assert r.status_code == 200 and r.json()["top100"] is True
    r = api_as(tree.town1_cadre).patch(f"/enterprises/{tree.enterprise1.pk}", {"top100": False})
    assert r.status_code == 403
    assert Enterprise.objects.get(pk=tree.enterprise1.pk).top100


def test_admin_lists_and_filters_the_flag():
    admin = site._registry[Enterprise]
    assert "top100" in admin.list_display and "top100" in admin.list_filter


def test_set_top100_is_explicit_only():
    """No role pattern grants the district-only verb, not even one a later change might add."""
    from gonghui.accounts import roles

    assert roles.role_grants(roles.Role.DISTRICT_STAFF, "orgs.set_top100")
    for role in (roles.Role.TOWN_CADRE, roles.Role.UNION_CHAIR, roles.Role.UNION_STAFF, roles.Role.MEMBER):
        assert not roles.role_grants(role, "orgs.set_top100")
    patched = {**roles.ROLE_GRANTS, roles.Role.TOWN_CADRE: ("*.set_*", "orgs.*")}
    from unittest import mock

    with mock.patch.object(roles, "ROLE_GRANTS", patched):
        assert not roles.role_grants(roles.Role.TOWN_CADRE, "orgs.set_top100")
