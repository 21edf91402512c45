"""Personal API tokens: shown once, only the hash stored, revocable, audited."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent


def test_create_shows_the_raw_token_once_and_stores_only_its_hash(client, tree):
    client.force_login(tree.town1_cadre)
    response = client.post(reverse("accounts:token_create"), {"name": "statistics script", "expires_on": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw"]
    assert len(raw) >= 40
    assert raw in response.content.decode()

    token = ApiToken.objects.get(user=tree.town1_cadre)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    # The raw value is nowhere in the database row nor on later pages.
    assert raw not in {getattr(token, f.attname) for f in ApiToken._meta.concrete_fields}
    listing = client.get(reverse("accounts:token_list")).content.decode()
    assert "statistics script" in listing and raw not in listing and token.prefix in listing

    event = AuditEvent.objects.get(action="accounts.token.create")
    assert event.actor == tree.town1_cadre and event.org == tree.town1
    assert raw not in str(event.after) and token.key_hash not in str(event.after)


def test_create_with_expiry_and_bad_input(client, tree):
    client.force_login(tree.town1_cadre)
    url = reverse("accounts:token_create")
    empty = client.post(url, {"name": "  "})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    past = client.post(url, {"name": "x", "expires_on": "2001-01-01"})
    assert "must be after today" in past.content.decode()
    garbage = client.post(url, {"name": "x", "expires_on": "tomorrow-ish"})
    assert garbage.status_code == 200 and "Enter a valid date" in garbage.content.decode()
    assert not ApiToken.objects.exists()

    day = timezone.localdate() + datetime.timedelta(days=30)
    ok = client.post(url, {"name": "x", "expires_on": day.isoformat()})
    assert ok.status_code == 200
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == day + datetime.timedelta(days=1)

    dup = client.post(url, {"name": "x"})
    assert "already have an active token named" in dup.content.decode()
    assert ApiToken.objects.count() == 1


def test_token_create_is_post_only(client, tree):
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("accounts:token_create")).status_code == 405


def test_revoke_own_token(client, tree):
    token, raw = services.create_api_token(actor=tree.union1_chair, name="sync")
    assert services.authenticate_token(raw) == tree.union1_chair
    client.force_login(tree.union1_chair)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.authenticate_token(raw) is None
    assert AuditEvent.objects.filter(action="accounts.token.revoke", object_id=str(token.pk)).exists()
    # A second revoke is refused with a message, not an error page.
    again = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "already revoked" in again.content.decode()


def test_someone_elses_token_is_not_found(client, tree):
    token, raw = services.create_api_token(actor=tree.union1_chair, name="sync")
    client.force_login(tree.district_staff)  # even district staff: tokens are personal
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[999999])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.revoke_api_token(actor=tree.district_staff, token=token)
    assert services.authenticate_token(raw) == tree.union1_chair


def test_authenticate_token_rejects_unknown_expired_and_inactive(tree):
    assert services.authenticate_token(None) is None
    assert services.authenticate_token("") is None
    assert services.authenticate_token("x" * 5000) is None
    assert services.authenticate_token("not-a-token") is None

    token, raw = services.create_api_token(actor=tree.town2_cadre, name="a",
                                           expires_at=timezone.now() + datetime.timedelta(days=1))
    assert services.authenticate_token(raw) == tree.town2_cadre
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.authenticate_token(raw) is None

    token, raw = services.create_api_token(actor=tree.town2_cadre, name="b")
    tree.town2_cadre.is_active = False
    tree.town2_cadre.save()
    assert services.authenticate_token(raw) is None


def test_last_used_is_written_at_most_once_a_minute(tree, django_assert_num_queries):
    token, raw = services.create_api_token(actor=tree.town1_cadre, name="a")
    assert token.last_used_at is None
    services.authenticate_token(raw)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    with django_assert_num_queries(1):  # lookup only, no write within the minute
        assert services.authenticate_token(raw) == tree.town1_cadre
    token.refresh_from_db()
    assert token.last_used_at == first

    earlier = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    services.authenticate_token(raw)
    token.refresh_from_db()
    assert token.last_used_at > earlier


def test_live_token_limit(tree):
    for i in range(services.MAX_LIVE_TOKENS):
        services.create_api_token(actor=tree.town1_cadre, name=f"t{i}")
    with pytest.raises(DomainError) as err:
        services.create_api_token(actor=tree.town1_cadre, name="one too many")
    assert err.value.code == "token_limit"
    services.revoke_api_token(actor=tree.town1_cadre, token=ApiToken.objects.filter(user=tree.town1_cadre).first())
    services.create_api_token(actor=tree.town1_cadre, name="one too many")


def test_services_validate_name_and_expiry(tree):
    with pytest.raises(DomainError) as err:
        services.create_api_token(actor=tree.town1_cadre, name="   ")
    assert err.value.code == "token_name_required"
    with pytest.raises(DomainError) as err:
        services.create_api_token(actor=tree.town1_cadre, name="n" * 65)
    assert err.value.code == "token_name_too_long"
    with pytest.raises(DomainError) as err:
        services.create_api_token(actor=tree.town1_cadre, name="n", expires_at=timezone.now())
    assert err.value.code == "token_expiry_past"
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="accounts.token").exists()
