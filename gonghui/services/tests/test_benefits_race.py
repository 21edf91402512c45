"""Concurrent redemptions: two tills scanning the same member's card for a "once" offer at the same
moment log one redemption (the offer row is locked while the limit is counted); a "2 per month"
offer scanned three times at once logs two; one code tapped twice at once for an unlimited offer
logs one (`code_used`), also when only the unique constraint (offer, card_nonce) catches it.
Staged on PostgreSQL."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.services.models.benefits import OfferLimit, Redemption
from gonghui.services.services import benefits as services
from gonghui.services.testing import benefits as build

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_of_a_once_offer_log_one_redemption():
    tree = Tree()
    o = build.offer(tree, limit=OfferLimit.ONCE)
    person = build.member_person(tree)
    token = services.card_token(person)
    outcome = race([lambda: services.redeem(token=token, merchant=o.merchant, offer_id=o.pk) for _ in range(2)])
    assert outcome == ["limit_reached", "won"]
    assert Redemption.objects.filter(person=person, offer=o).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_three_scans_of_a_twice_a_month_offer_log_two():
    tree = Tree()
    o = build.offer(tree, limit=OfferLimit.PER_MONTH, limit_count=2)
    person = build.member_person(tree)
    tokens = [services.card_token(person) for _ in range(3)]  # three codes (one code is used once per offer)
    outcome = race([lambda t=t: services.redeem(token=t, merchant=o.merchant, offer_id=o.pk) for t in tokens])
    assert outcome == ["limit_reached", "won", "won"]
    assert Redemption.objects.filter(person=person, offer=o).count() == 2


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_code_tapped_twice_at_once_logs_one_redemption():
    tree = Tree()
    o = build.offer(tree)  # unlimited: only the code's single use stops the second tap
    person = build.member_person(tree)
    token = services.card_token(person)
    outcome = race([lambda: services.redeem(token=token, merchant=o.merchant, offer_id=o.pk) for _ in range(2)])
    assert outcome == ["code_used", "won"]
    assert Redemption.objects.filter(person=person, offer=o).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_unique_constraint_alone_ends_a_double_tap_in_code_used(monkeypatch):
    """Neither the offer lock nor the check before the insert: two inserts of the same code meet at
    the unique index; the loser's IntegrityError becomes `code_used` (no IntegrityError leaks)."""
    tree = Tree()
    o = build.offer(tree)
    person = build.member_person(tree)
    token = services.card_token(person)
    real = services._code_used
    checks = []

    def checked_before_insert_misses(offer, nonce):
        checks.append(nonce)
        return False if len(checks) <= 2 else real(offer, nonce)

    monkeypatch.setattr(services, "lock_one", lambda model, pk: model.objects.get(pk=pk))
    monkeypatch.setattr(services, "_code_used", checked_before_insert_misses)
    outcome = race([lambda: services.redeem(token=token, merchant=o.merchant, offer_id=o.pk) for _ in range(2)])
    assert outcome == ["code_used", "won"]
    assert Redemption.objects.filter(person=person, offer=o).count() == 1
