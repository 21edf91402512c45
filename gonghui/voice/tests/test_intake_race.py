"""Races of the worker's side, threaded on PostgreSQL (SQLite serialises writers):
- the same public submission sent twice at the same moment with one Idempotency-Key (a phone
  retrying on a bad network) creates ONE appeal; the other answer is the replay or "still in
  progress" (409), never a second appeal;
- two re-opens (two tabs, or the member page and the tracking page) at once: one wins, one
  REOPENED event, reopen_count 1; the same for two ratings."""

import pytest
from django.core.cache import cache
from django.db import connection

from gonghui.core.testing.api import ApiClient
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.voice.models.appeals import Appeal, AppealEvent, AppealEventKind
from gonghui.voice.services import intake as services
from gonghui.voice.testing.intake import close_now, public_appeal

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
BODY = {"category": "WAGES_OWED", "title": "拖欠工资", "content": "公司拖欠两个月工资", "name": "王师傅",
        "mobile": "13812345678"}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_same_idempotency_key_at_once_creates_one_appeal():
    Tree()
    answers = []

    def send():
        r = ApiClient().post("/public/appeals", BODY, **{"Idempotency-Key": "phone-retry-1"})
        answers.append((r.status_code, r.json()))

    assert race([send, send, send]) == ["won", "won", "won"]
    assert Appeal.objects.count() == 1
    a = Appeal.objects.get()
    codes = [status for status, _body in answers]
    assert 201 in codes and set(codes) <= {201, 409}
    for status, body in answers:
        if status == 201:
            assert (body["number"], body["tracking_code"]) == (a.number, a.tracking_code)
        else:
            assert body["code"] == "idempotency_in_progress"
    assert AppealEvent.objects.filter(appeal=a, kind=AppealEventKind.SUBMITTED).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_reopens_at_once_one_wins():
    Tree()
    a = close_now(public_appeal())
    outcome = race([lambda: services.reopen(actor=None, appeal=a, reason="仍未补发")] * 2)
    # the loser finds the appeal HANDLING again ("wrong_stage") — never a second re-open
    assert outcome.count("won") == 1 and set(outcome) - {"won"} <= {"already_reopened", "wrong_stage"}
    a.refresh_from_db()
    assert (a.status, a.reopen_count) == ("HANDLING", 1)
    assert AppealEvent.objects.filter(appeal=a, kind=AppealEventKind.REOPENED).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_ratings_at_once_one_wins():
    Tree()
    a = close_now(public_appeal())
    outcome = race([lambda: services.rate(actor=None, appeal=a, score=5),
                    lambda: services.rate(actor=None, appeal=a, score=1)])
    assert sorted(outcome) == ["already_rated", "won"]
    assert AppealEvent.objects.filter(appeal=a, kind=AppealEventKind.RATED).count() == 1
