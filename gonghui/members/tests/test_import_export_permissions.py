"""Permission matrix of the import and export pages: role × action × in / out of scope.

Out of scope answers like missing (404) wherever a record is addressed; a role without the
action gets 403 on the pages that address no record; anonymous users are sent to sign in."""

import pytest
from django.urls import reverse

from gonghui.members import importing
from gonghui.members.models import ImportStatus, MemberImport, Membership
from gonghui.members.tests.import_samples import sample_rows, upload_file

ROLES = ["district_staff", "town1_cadre", "union1_chair", "union1_staff", "member_user", "outsider", "anonymous"]
IMPORTERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


def login(client, tree, role):
    if role != "anonymous":
        client.force_login(getattr(tree, role))


def expect(role, *, allowed, out_of_scope=False, hidden_status=404):
    if role == "anonymous":
        return 302
    if role not in IMPORTERS:
        return hidden_status
    if out_of_scope and role != "district_staff":
        return hidden_status
    return allowed


@pytest.mark.parametrize("role", ROLES)
def test_upload_page(client, tree, role):
    login(client, tree, role)
    response = client.get(reverse("members:import_upload"))
    assert response.status_code == expect(role, allowed=200, hidden_status=403)
    if response.status_code == 302:
        assert reverse("accounts:login") in response.url


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_upload(client, tree, role, where, django_capture_on_commit_callbacks):
    login(client, tree, role)
    target = tree.union1 if where == "in" else tree.union2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:import_upload"),
                               {"target": target.pk, "file": upload_file(sample_rows(2, seed=1))})
    out = where == "out"
    # Out of scope: the union is not among the choices (400, the form says so); nothing stored.
    assert response.status_code == expect(role, allowed=302, out_of_scope=out,
                                          hidden_status=403 if role not in IMPORTERS else 400)
    created = MemberImport.objects.exists()
    assert created == (response.status_code == 302 and role != "anonymous")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_confirm(client, tree, role, where, django_capture_on_commit_callbacks):
    union = tree.union1 if where == "in" else tree.union2
    with django_capture_on_commit_callbacks(execute=True):
        member_import = importing.start_member_import(actor=tree.district_staff, org=union,
                                                      upload=upload_file(sample_rows(2, seed=2)))
    member_import.refresh_from_db()
    assert member_import.status == ImportStatus.VALIDATED
    login(client, tree, role)
    url = reverse("members:import_confirm", args=[member_import.pk])
    out = where == "out"
    assert client.get(url).status_code == expect(role, allowed=200, out_of_scope=out)
    assert client.get(reverse("members:import_detail", args=[member_import.pk])).status_code == expect(
        role, allowed=200, out_of_scope=out)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    expected = expect(role, allowed=302, out_of_scope=out)
    assert response.status_code == expected
    imported = role in IMPORTERS and (not out or role == "district_staff")
    assert Membership.objects.count() == (2 if imported else 0)
    # Cancel follows the same rule (on a fresh import when the first was imported).
    with django_capture_on_commit_callbacks(execute=True):
        other = importing.start_member_import(actor=tree.district_staff, org=union,
                                              upload=upload_file(sample_rows(1, seed=3)))
    response = client.post(reverse("members:import_cancel", args=[other.pk]))
    assert response.status_code == expected
    other.refresh_from_db()
    assert (other.status == ImportStatus.CANCELLED) == imported


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_export(client, tree, role, where):
    tree.member(tree.union1)
    tree.member(tree.union2)
    login(client, tree, role)
    org = tree.union1 if where == "in" else tree.union2
    response = client.get(reverse("members:export") + f"?org={org.pk}")
    out = where == "out"
    if role in ("member_user", "outsider"):
        assert response.status_code == 403
    else:
        assert response.status_code == expect(role, allowed=200, out_of_scope=out)


@pytest.mark.parametrize("role", ROLES)
def test_template_and_list(client, tree, role):
    login(client, tree, role)
    for name in ("members:import_template", "members:import_list"):
        assert client.get(reverse(name)).status_code == expect(role, allowed=200, hidden_status=403)


def test_imports_list_shows_only_scope(client, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        importing.start_member_import(actor=tree.district_staff, org=tree.union2, upload=upload_file(
            sample_rows(1, seed=4), name="north.xlsx"))
        importing.start_member_import(actor=tree.district_staff, org=tree.union1, upload=upload_file(
            sample_rows(1, seed=5), name="south.xlsx"))
    client.force_login(tree.town1_cadre)
    page = client.get(reverse("members:import_list")).content.decode()
    assert "south.xlsx" in page and "north.xlsx" not in page
