"""The worker's side: member pages (own appeals only, public history only), rating once,
re-opening once, withdrawal; the same through the member API."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.testing.api import api_as
from gonghui.members.models import Person
from gonghui.voice.models.appeals import Appeal, AppealStatus
from gonghui.voice.services import intake as services
from gonghui.voice.testing.intake import close_now, internal_note, member_appeal, png, public_appeal

pytestmark = pytest.mark.django_db
NOTE = "内部备注：企业负责人态度强硬"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def linked(tree):
    """member1's login linked to a union1 member of the registry."""
    m = tree.member(union=tree.union1)
    Person.objects.filter(pk=m.person.pk).update(account=tree.member_user)
    return m.person


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_new_appeal_page_defaults_the_enterprise_and_submits(tree, linked):
    from gonghui.members.models import Membership

    Membership.objects.filter(person=linked).update(enterprise=tree.enterprise1)
    c = client_for(tree.member_user)
    page = c.get(reverse("voice:my_appeal_new"))
    assert page.status_code == 200 and tree.enterprise1.name in page.content.decode()
    r = c.post(reverse("voice:my_appeal_new"), {"category": "WAGES_OWED", "title": "欠薪", "content": "两个月未发",
                                                "enterprise_name": tree.enterprise1.name, "attachments": [png()]})
    a = Appeal.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("voice:my_appeal_detail", args=[a.pk])
    assert (a.person, a.submitted_by, a.org, a.enterprise, a.attachments.count()) == (
        linked, tree.member_user, tree.union1, tree.enterprise1, 1)


def test_new_appeal_page_refuses_anonymous_where_not_allowed(tree, linked):
    r = client_for(tree.member_user).post(reverse("voice:my_appeal_new"), {
        "category": "WAGES_OWED", "title": "欠薪", "content": "两个月未发", "anonymous": "on"})
    assert r.status_code == 400 and Appeal.objects.count() == 0
    assert "该类别的诉求不能匿名提交" in r.content.decode()


def test_new_appeal_with_a_bad_file_saves_nothing(tree, linked):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.png", b"GIF89a" + b"\x00" * 40, content_type="image/png")
    r = client_for(tree.member_user).post(reverse("voice:my_appeal_new"), {
        "category": "OTHER", "title": "t", "content": "c", "attachments": [png(), bad]})
    assert r.status_code == 400 and Appeal.objects.count() == 0


def test_member_sees_only_own_appeals(tree, linked):
    mine = member_appeal(tree.member_user, linked)
    other = public_appeal()
    other_member = member_appeal(tree.union1_chair, tree.member().person)
    c = client_for(tree.member_user)
    body = c.get(reverse("voice:my_appeals")).content.decode()
    assert mine.number in body and other.number not in body and other_member.number not in body
    assert c.get(reverse("voice:my_appeal_detail", args=[mine.pk])).status_code == 200
    for a in (other, other_member):
        assert c.get(reverse("voice:my_appeal_detail", args=[a.pk])).status_code == 404
        assert c.post(reverse("voice:my_appeal_step", args=[a.pk, "withdraw"])).status_code == 404
        assert api_as(tree.member_user).get(f"/my/appeals/{a.pk}").status_code == 404
    items = api_as(tree.member_user).get("/my/appeals").json()["items"]
    assert [i["number"] for i in items] == [mine.number]


@pytest.mark.parametrize("role", ["district_staff", "town1_cadre", "union1_chair", "outsider"])
def test_staff_and_unlinked_logins_have_no_member_pages(tree, linked, role):
    mine = member_appeal(tree.member_user, linked)
    c = client_for(getattr(tree, role))
    assert c.get(reverse("voice:my_appeals")).status_code == 404
    assert c.get(reverse("voice:my_appeal_detail", args=[mine.pk])).status_code == 404
    assert api_as(getattr(tree, role)).get("/my/appeals").status_code == 404


def test_anonymous_visitor_is_sent_to_login(tree):
    r = Client().get(reverse("voice:my_appeals"))
    assert r.status_code == 302 and "login" in r["Location"]


def test_internal_notes_never_reach_the_worker(tree, linked):
    a = member_appeal(tree.member_user, linked)
    internal_note(a, NOTE, actor=tree.union1_chair)
    body = client_for(tree.member_user).get(reverse("voice:my_appeal_detail", args=[a.pk])).content.decode()
    assert NOTE not in body and tree.union1_chair.username not in body and tree.union1.name in body
    data = api_as(tree.member_user).get(f"/my/appeals/{a.pk}").json()
    assert NOTE not in str(data) and [e["kind"] for e in data["events"]] == ["SUBMITTED", "ROUTED"]


def test_rate_once(tree, linked):
    a = close_now(member_appeal(tree.member_user, linked))
    c = client_for(tree.member_user)
    r = c.post(reverse("voice:my_appeal_step", args=[a.pk, "rate"]), {"rate-score": "4", "rate-comment": "满意"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert (a.satisfaction, a.satisfaction_comment) == (4, "满意")
    r = c.post(reverse("voice:my_appeal_step", args=[a.pk, "rate"]), {"rate-score": "1"})
    assert r.status_code == 400
    assert Appeal.objects.get(pk=a.pk).satisfaction == 4


def test_rate_needs_a_closed_appeal_and_a_window(tree, linked):
    a = member_appeal(tree.member_user, linked)
    with pytest.raises(DomainError):
        services.rate(actor=None, appeal=a, score=5)
    close_now(a, closed_at=timezone.now() - datetime.timedelta(days=31))
    with pytest.raises(DomainError) as exc:
        services.rate(actor=None, appeal=a, score=5)
    assert exc.value.code == "too_late"
    with pytest.raises(DomainError):
        services.rate(actor=None, appeal=a, score=6)


def test_reopen_once_with_a_new_clock(tree, linked):
    a = member_appeal(tree.member_user, linked)
    old_due = a.due_on
    close_now(a, closed_at=timezone.now() - datetime.timedelta(days=3))
    api = api_as(tree.member_user)
    r = api.post(f"/my/appeals/{a.pk}/reopen", {"reason": "工资仍未发放"})
    assert r.status_code == 200, r.content
    a.refresh_from_db()
    assert (a.status, a.reopen_count, a.org, a.closed_at, a.result) == (AppealStatus.HANDLING, 1, tree.union1, None, "")
    assert a.clock_started_on == timezone.localdate() and a.due_on >= old_due
    assert a.events.filter(kind="REOPENED", public=True).exists()
    close_now(a)
    second = api.post(f"/my/appeals/{a.pk}/reopen", {"reason": "还是没解决"})
    assert second.status_code == 400 and second.json()["code"] == "already_reopened"
    assert Appeal.objects.get(pk=a.pk).status == AppealStatus.CLOSED


def test_reopen_needs_a_reason_and_the_window(tree, linked):
    a = close_now(member_appeal(tree.member_user, linked), closed_at=timezone.now() - datetime.timedelta(days=16))
    with pytest.raises(DomainError) as exc:
        services.reopen(actor=None, appeal=a, reason="")
    assert exc.value.field == "reason"
    with pytest.raises(DomainError) as exc:
        services.reopen(actor=None, appeal=a, reason="未解决")
    assert exc.value.code == "too_late"


def test_withdraw_while_open(tree, linked):
    a = member_appeal(tree.member_user, linked)
    r = client_for(tree.member_user).post(reverse("voice:my_appeal_step", args=[a.pk, "withdraw"]),
                                          {"withdraw-reason": "已自行解决"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == AppealStatus.WITHDRAWN and a.events.get(kind="WITHDRAWN").text == "已自行解决"
    r = api_as(tree.member_user).post(f"/my/appeals/{a.pk}/withdraw", {"reason": ""})
    assert r.status_code == 409


def test_api_rate_once(tree, linked):
    a = close_now(member_appeal(tree.member_user, linked))
    api = api_as(tree.member_user)
    assert api.post(f"/my/appeals/{a.pk}/rate", {"score": 5}).json()["satisfaction"] == 5
    again = api.post(f"/my/appeals/{a.pk}/rate", {"score": 2})
    assert again.status_code == 400 and again.json()["code"] == "already_rated"
    assert api.post(f"/my/appeals/{a.pk}/rate", {"score": 9}).status_code == 422


def test_api_member_submit_is_idempotent(tree, linked):
    api = api_as(tree.member_user)
    body = {"category": "CONTRACT", "title": "未签合同", "content": "入职半年未签合同"}
    first = api.post("/my/appeals", body, **{"Idempotency-Key": "k-1"})
    again = api.post("/my/appeals", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Appeal.objects.count() == 1 and Appeal.objects.get().channel == "API"


def test_member_file_download_only_public(tree, linked):
    a = member_appeal(tree.member_user, linked, files=[png()])
    f = a.attachments.get()
    c = client_for(tree.member_user)
    assert c.get(reverse("voice:my_appeal_file", args=[a.pk, f.pk])).status_code == 200
    f.public = False
    f.save()
    assert c.get(reverse("voice:my_appeal_file", args=[a.pk, f.pk])).status_code == 404


def test_member_page_is_listed(tree, linked):
    from gonghui.core.member_pages import member_pages

    assert reverse("voice:my_appeals") in [p["url"] for p in member_pages(tree.member_user)]


def test_the_audit_trail_does_not_name_the_worker_of_an_anonymous_appeal(tree, linked):
    """Cadres with `audit.view` (town cadres, union chairs) read their subtree's trail: the
    worker's own steps on an anonymous appeal keep neither the login nor the IP address."""
    from gonghui.core.models import AuditEvent

    a = close_now(member_appeal(tree.member_user, linked, category="OTHER", anonymous=True))
    c = client_for(tree.member_user)
    assert c.post(reverse("voice:my_appeal_step", args=[a.pk, "rate"]), {"rate-score": "2"},
                  REMOTE_ADDR="10.9.8.7").status_code == 302
    rows = AuditEvent.objects.filter(object_type="voice.Appeal", object_id=str(a.pk),
                                     action__in=("voice.appeal_submit", "voice.appeal_rate"))
    assert rows.count() == 2
    assert {(r.actor_id, r.actor_name, r.ip) for r in rows} == {(None, "anonymous", None)}
    named = close_now(member_appeal(tree.member_user, linked))  # not anonymous: recorded as usual
    assert AuditEvent.objects.get(object_id=str(named.pk), action="voice.appeal_submit").actor == tree.member_user
    reader = client_for(tree.district_staff)  # the anonymous appeal went to the district to dispatch
    page = reader.get(reverse("core:audit_list"), {"action": "voice.appeal_rate"}).content.decode()
    assert "匿名职工" in page and tree.member_user.username not in page
    rated = [r for r in rows if r.action == "voice.appeal_rate"][0]
    assert tree.member_user.username not in reader.get(reverse("core:audit_detail", args=[rated.pk])).content.decode()
