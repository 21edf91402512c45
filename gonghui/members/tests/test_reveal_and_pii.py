"""Full numbers only on purpose: the reveal is a POST, permission-checked, audited and not cached;
at rest the ID card and mobile numbers exist only as ciphertext, keyed hashes and masked forms."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from gonghui.core.models import AuditEvent

from .member_helpers import register, request_transfer


@pytest.fixture(autouse=True)
def english(settings):
    """These tests assert the English source strings; the default language is zh-hans."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def member(tree):
    return register(tree.union1_chair, tree.union1, "孙悟空")


def reveal(client, person, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("members:reveal", args=[person.pk]), **headers)


def test_reveal_returns_the_numbers_as_an_uncached_fragment_and_is_audited(client, tree, member):
    person = member.person
    client.force_login(tree.union1_chair)
    response = reveal(client, person)
    assert response.status_code == 200
    body = response.content.decode()
    assert person.id_number() in body and person.phone() in body
    assert "<html" not in body  # a fragment for htmx
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="members.person.reveal_pii")
    assert (event.actor, event.object_id, event.org) == (tree.union1_chair, str(person.pk), tree.union1)
    assert person.id_number() not in str(event.after)  # the trail records the reveal, not the values


def test_reveal_without_javascript_is_a_full_page(client, tree, member):
    client.force_login(tree.town1_cadre)
    response = reveal(client, member.person, htmx=False)
    assert response.status_code == 200
    assert "<html" in response.content.decode() and member.person.id_number() in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_union_staff_may_not_reveal(client, tree, member):
    client.force_login(tree.union1_staff)
    detail = client.get(reverse("members:detail", args=[member.person_id]))
    assert "Reveal full numbers" not in detail.content.decode()
    response = reveal(client, member.person)
    assert response.status_code == 403
    body = response.content.decode()
    assert "not allowed to see the full numbers" in body
    assert member.person.id_number() not in body and member.person.phone() not in body
    assert not AuditEvent.objects.filter(action="members.person.reveal_pii").exists()


def test_reveal_is_post_only_and_scoped(client, tree, member):
    client.force_login(tree.union1_chair)
    assert client.get(reverse("members:reveal", args=[member.person_id])).status_code == 405
    client.force_login(tree.town2_cadre)
    assert reveal(client, member.person).status_code == 404


def test_detail_shows_masked_numbers_and_derived_facts(client, tree, member):
    person = member.person
    client.force_login(tree.union1_chair)
    body = client.get(reverse("members:detail", args=[person.pk])).content.decode()
    assert person.id_number_masked in body and person.phone_masked in body
    assert person.id_number() not in body and person.phone() not in body
    assert person.birth_on.strftime("%Y-%m-%d") in body and person.hometown_province in body
    assert "Reveal full numbers" in body


def test_history_tab_lists_the_trail_of_person_and_periods(client, tree, member):
    request_transfer(tree.union1_chair, member, tree.union1b)
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("members:detail", args=[member.person_id]), {"tab": "history"})
    actions = {e.action for e in response.context["history"]}
    assert {"members.person.create", "members.membership.create", "members.transfer.request"} <= actions
    assert "members.person.create" in response.content.decode()


def _all_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # table names come from introspection
        return cursor.fetchall()


def test_no_clear_id_or_phone_at_rest(tree, member):
    transfer = request_transfer(tree.union1_chair, member, tree.union2)
    from gonghui.members import services

    services.accept_transfer(actor=tree.union2_chair, transfer=transfer)
    person = member.person
    secrets = {person.id_number(), person.phone()}
    tables = [t for t in connection.introspection.table_names() if t.startswith("members_")]
    tables.append(AuditEvent._meta.db_table)
    assert {"members_person", "members_membership", "members_transfer"} <= set(tables)
    seen_rows = 0
    for table in tables:
        for row in _all_rows(table):
            seen_rows += 1
            text = " ".join(str(value) for value in row)
            for secret in secrets:
                assert secret not in text, f"clear PII in {table}"
    assert seen_rows > 5
    # What is stored: masked forms in clear, ciphertext and keyed hashes that do not contain them.
    row = _all_rows("members_person")[0]
    assert person.id_number_masked in row and person.phone_masked in row
