"""The admin shows people with masked numbers only, never ciphertext or hashes, and is read-only
(writes go through the services, which validate and audit)."""

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import UserFactory

from .member_helpers import register


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_person_admin_shows_masked_values_only(admin_client, tree):
    person = register(tree.union1_chair, tree.union1, "黄蓉").person
    for url in (reverse("admin:members_person_changelist"), reverse("admin:members_person_change", args=[person.pk])):
        body = admin_client.get(url).content.decode()
        assert person.id_number_masked in body and person.phone_masked in body
        for secret in (person.id_number(), person.phone(), person.id_number_enc, person.id_number_hash,
                       person.phone_enc, person.phone_hash):
            assert secret not in body
        assert "id_number_enc" not in body and "phone_hash" not in body


def test_admin_is_read_only_and_does_not_search_numbers_in_urls(admin_client, tree):
    person = register(tree.union1_chair, tree.union1, "郭靖").person
    assert admin_client.get(reverse("admin:members_person_add")).status_code == 403
    page = admin_client.get(reverse("admin:members_person_change", args=[person.pk])).content.decode()
    assert 'name="_save"' not in page and 'name="name"' not in page  # no editable ID (or anything)
    changelist = reverse("admin:members_person_changelist")
    assert person.name in admin_client.get(changelist, {"q": "gj"}).content.decode()  # initials
    assert person.name in admin_client.get(changelist, {"q": "郭"}).content.decode()
    assert person.name not in admin_client.get(changelist, {"q": person.id_number()}).content.decode()


def test_membership_and_transfer_admin_pages_open(admin_client, tree):
    membership = register(tree.union1_chair, tree.union1, "杨过")
    for name in ("members_membership_changelist", "members_transfer_changelist"):
        assert admin_client.get(reverse(f"admin:{name}")).status_code == 200
    assert admin_client.get(reverse("admin:members_membership_change", args=[membership.pk])).status_code == 200
