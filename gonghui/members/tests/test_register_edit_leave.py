"""Registering, correcting and ending memberships through the pages: errors on the right field,
nothing half-saved, duplicates pointed at a transfer, the ID number immutable."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from gonghui.core.models import AuditEvent
from gonghui.members.models import JoinKind, Membership, MembershipStatus, Person

from .member_helpers import new_id, new_mobile, register


@pytest.fixture(autouse=True)
def english(settings):
    """These tests assert the English source strings; the default language is zh-hans."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


CREATE = reverse("members:create")


def form_data(union, **overrides):
    data = {"union": union.pk, "enterprise": "", "name": "周杰", "id_number": new_id(region="411522"),
            "phone": new_mobile(), "hometown_province": "", "is_migrant": "", "education": "SENIOR",
            "skill_level": "LEVEL4", "joined_on": "2024-06-01"}
    data.update(overrides)
    return data


def test_chair_registers_a_member(client, tree):
    client.force_login(tree.union1_chair)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert page.context["form"].initial["union"] == tree.union1  # their only union, preselected
    data = form_data(tree.union1, enterprise=tree.enterprise1.pk)
    response = client.post(CREATE, data)
    person = Person.objects.get(name="周杰")
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[person.pk])
    assert person.name_initials == "zj" and person.id_number() == data["id_number"]
    assert person.hometown_province == "河南省" and person.is_migrant  # defaults from the ID card
    membership = person.memberships.get()
    assert (membership.union, membership.enterprise, membership.joined_on) == (
        tree.union1, tree.enterprise1, datetime.date(2024, 6, 1))
    assert AuditEvent.objects.filter(action="members.person.create", object_id=str(person.pk)).exists()


def test_errors_are_shown_on_their_fields_and_nothing_is_saved(client, tree):
    client.force_login(tree.union1_chair)
    number = new_id()
    bad_check = number[:17] + ("0" if number[17] != "0" else "1")
    response = client.post(CREATE, form_data(tree.union1, name="", id_number=bad_check, phone="12345",
                                             joined_on="2999-01-01"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "id_number", "phone", "joined_on"}
    assert "check digit" in errors["id_number"][0]
    body = response.content.decode()
    assert 'aria-invalid="true"' in body and 'id="id_id_number_error"' in body
    assert not Person.objects.exists()


def test_the_shared_rules_run_once_the_fields_are_well_formed(client, tree):
    client.force_login(tree.union1_chair)
    number = new_id(birth_on=datetime.date(2000, 5, 5))
    response = client.post(CREATE, form_data(tree.union1, id_number=number, joined_on="1999-01-01"))
    assert "before the date of birth" in response.context["form"].errors["joined_on"][0]


def test_duplicate_points_to_the_union_and_a_transfer(client, tree):
    existing = register(tree.union2_chair, tree.union2, "吴用")
    client.force_login(tree.union1_chair)
    response = client.post(CREATE, form_data(tree.union1, name="吴用", id_number=existing.person.id_number()))
    assert response.status_code == 200
    message = response.context["form"].errors["id_number"][0]
    assert "丙企业工会" in message and "transfer" in message
    assert Membership.objects.filter(person=existing.person).count() == 1


def test_someone_who_left_can_rejoin(client, tree):
    from gonghui.members import services

    old = register(tree.union1_chair, tree.union1, "林冲")
    services.end_membership(actor=tree.union1_chair, membership=old, ended_on=datetime.date(2024, 1, 1),
                            reason="left the firm")
    client.force_login(tree.union2_chair)
    response = client.post(CREATE, form_data(tree.union2, name="林冲", id_number=old.person.id_number(),
                                             joined_on="2024-09-01"))
    assert response.status_code == 302
    new = Membership.objects.get(person=old.person, status=MembershipStatus.ACTIVE)
    assert (new.union, new.join_kind) == (tree.union2, JoinKind.REJOIN)


def test_union_and_enterprise_must_be_in_scope_and_match(client, tree):
    client.force_login(tree.union1_chair)
    response = client.post(CREATE, form_data(tree.union2))
    assert "union" in response.context["form"].errors  # not a union they may enrol in
    response = client.post(CREATE, form_data(tree.union1, enterprise=tree.enterprise2.pk))
    assert "enterprise" in response.context["form"].errors
    client.force_login(tree.town1_cadre)
    response = client.post(CREATE, form_data(tree.union1b, enterprise=tree.enterprise1.pk))
    assert "belongs to another union" in response.context["form"].errors["enterprise"][0]
    assert not Person.objects.exists()


def test_employer_options_follow_the_union(client, tree):
    client.force_login(tree.town1_cadre)
    body = client.get(reverse("members:enterprise_options"), {"union": tree.union1.pk}).content.decode()
    assert tree.enterprise1.name in body
    body = client.get(reverse("members:enterprise_options"), {"union": tree.union2.pk}).content.decode()
    assert tree.enterprise2.name not in body  # out of scope


def test_edit_corrects_details_but_never_shows_or_changes_the_id(client, tree):
    member = register(tree.union1_chair, tree.union1, "宋江", phone="13900001111")
    person = member.person
    url = reverse("members:edit", args=[person.pk])
    client.force_login(tree.union1_staff)
    page = client.get(url).content.decode()
    assert "13900001111" not in page and person.id_number() not in page
    assert "139****1111" in page and person.id_number_masked in page
    data = {"name": "宋公明", "phone": "", "hometown_province": "山东省", "is_migrant": "yes",
            "education": "", "skill_level": "LEVEL3", "id_number": new_id()}
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert (person.name, person.name_initials, person.hometown_province) == ("宋公明", "sgm", "山东省")
    assert person.phone() == "13900001111"  # blank keeps the number
    assert person.id_number() == member.person.id_number()  # not editable
    assert AuditEvent.objects.filter(action="members.person.update", object_id=str(person.pk)).exists()

    client.post(url, {**data, "phone": "13700002222"})
    person.refresh_from_db()
    assert person.phone() == "13700002222"
    client.post(url, {**data, "clear_phone": "on"})
    person.refresh_from_db()
    assert person.phone() == "" and person.phone_masked == ""


def test_edit_rejects_a_bad_phone_on_its_field(client, tree):
    member = register(tree.union1_chair, tree.union1, "卢俊义")
    client.force_login(tree.union1_chair)
    response = client.post(reverse("members:edit", args=[member.person_id]),
                           {"name": "卢俊义", "phone": "123", "hometown_province": "浙江省", "is_migrant": "",
                            "education": "", "skill_level": "NONE"})
    assert response.status_code == 200 and "phone" in response.context["form"].errors


@pytest.mark.parametrize(("ended_on", "reason", "field"), [("2000-01-01", "moved", "ended_on"),
                                                           ("2025-01-01", "", "reason")])
def test_leave_errors(client, tree, ended_on, reason, field):
    member = register(tree.union1_chair, tree.union1, "武松", joined_on="2023-05-01")
    client.force_login(tree.union1_chair)
    response = client.post(reverse("members:leave", args=[member.pk]), {"ended_on": ended_on, "reason": reason})
    assert response.status_code == 200 and field in response.context["form"].errors
    member.refresh_from_db()
    assert member.status == MembershipStatus.ACTIVE


def test_leave_closes_the_period_and_keeps_it(client, tree):
    member = register(tree.union1_chair, tree.union1, "鲁智深", joined_on="2023-05-01")
    client.force_login(tree.union1_chair)
    response = client.post(reverse("members:leave", args=[member.pk]),
                           {"ended_on": "2025-02-01", "reason": "retired"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.ended_on, member.end_reason) == (MembershipStatus.LEFT,
                                                                   datetime.date(2025, 2, 1), "retired")
    detail = client.get(reverse("members:detail", args=[member.person_id]))
    assert detail.status_code == 200 and [m.pk for m in detail.context["periods"]] == [member.pk]
    # Ending twice is refused with the current status.
    again = client.post(reverse("members:leave", args=[member.pk]), {"ended_on": "2025-03-01", "reason": "x"})
    assert "Only an active membership can be ended" in again.content.decode()
