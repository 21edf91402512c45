"""Review of portal auth and joins as an attacker would try them: the session key rotated at
sign-in, CSRF on every form post, PII kept out of error reports, a cadre deciding their own join
request, a login probing ID card numbers one after another, and markup typed by a worker shown to
cadres."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.errors import DomainError
from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.portal.models.joins import JoinRequest, JoinStatus
from gonghui.portal.policies import joins as policies
from gonghui.portal.rules.joins import rules as join_rules
from gonghui.portal.services import joins as services
from gonghui.portal.testing.auth import PASSWORD, last_code, portal_account
from gonghui.portal.testing.joins import id_number, join_request, worker

pytestmark = pytest.mark.django_db


# --- sign-in ---------------------------------------------------------------------------------------

def _session_key_changes(client, post):
    session = client.session
    session["probe"] = "before sign-in"
    session.save()
    client.cookies["sessionid"] = session.session_key
    before = session.session_key
    response = post()
    assert response.status_code == 302
    assert client.session.session_key != before and "_auth_user_id" in client.session


def test_the_session_key_is_rotated_by_a_password_sign_in():
    account = portal_account(phone="13912340001")
    client = Client()
    _session_key_changes(client, lambda: client.post(reverse("portal:login"),
                                                     {"phone": "13912340001", "password": PASSWORD}))
    assert int(client.session["_auth_user_id"]) == account.pk


def test_the_session_key_is_rotated_by_a_code_sign_in():
    portal_account(phone="13912340002")
    client = Client()
    url = reverse("portal:login")
    client.post(url, {"mode": "code", "action": "send", "phone": "13912340002"})
    code = last_code("13912340002")
    _session_key_changes(client, lambda: client.post(url, {"mode": "code", "step": "2", "action": "submit",
                                                           "phone": "13912340002", "code": code}))


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:alert(1)",
                                    "/\\evil.example"])
def test_next_never_leaves_the_site(target):
    portal_account(phone="13912340003")
    response = Client().post(reverse("portal:login"), {"phone": "13912340003", "password": PASSWORD,
                                                       "next": target})
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert not response["Location"].startswith("javascript")


@pytest.mark.parametrize("name", ["portal:login", "portal:signup", "portal:password_reset", "portal:logout"])
def test_auth_posts_need_the_csrf_token(name):
    portal_account(phone="13912340004")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse(name), {"phone": "13912340004", "password": PASSWORD, "action": "send"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_number_and_passwords_stay_out_of_error_reports():
    response = Client().post(reverse("portal:login"), {"phone": "13912340005", "password": "x"})
    hidden = response.wsgi_request.sensitive_post_parameters
    assert {"phone", "password", "code"} <= set(hidden)


# --- joins: the cadre side ------------------------------------------------------------------------

def test_a_cadre_cannot_decide_their_own_join_request(tree):
    own = join_request(account=tree.union1_chair, enterprise=tree.enterprise1)
    for decide in (lambda: services.approve_join(actor=tree.union1_chair, join_request=own),
                   lambda: services.reject_join(actor=tree.union1_chair, join_request=own, reason="自己")):
        with pytest.raises(DomainError) as exc:
            decide()
        assert exc.value.code == "own_request"
    assert not policies.join_actions(tree.union1_chair, own).any
    client = Client()
    client.force_login(tree.union1_chair)
    page = client.get(reverse("portal:join_detail", args=[own.pk]))
    assert page.context["own"] and reverse("portal:join_approve", args=[own.pk]) not in page.content.decode()
    assert client.post(reverse("portal:join_approve", args=[own.pk])).status_code == 409
    assert client.post(reverse("portal:join_reject", args=[own.pk]), {"reject-reason": "自己"}).status_code == 409
    api = api_as(tree.union1_chair)
    answer = api.post(f"/join-requests/{own.pk}/approve", {})
    assert answer.status_code in (400, 409) and answer.json()["code"] == "own_request"
    own.refresh_from_db()
    assert own.status == JoinStatus.PENDING and own.membership_id is None
    # another cadre of the union decides it
    services.approve_join(actor=tree.union1_staff, join_request=own)
    own.refresh_from_db()
    assert own.status == JoinStatus.APPROVED


def test_a_cadre_of_another_town_gets_404_on_every_step(tree):
    j = join_request(enterprise=tree.enterprise1)
    client = Client()
    client.force_login(tree.town2_cadre)
    for name in ("portal:join_detail", "portal:join_approve", "portal:join_reject"):
        method = client.get if name == "portal:join_detail" else client.post
        assert method(reverse(name, args=[j.pk])).status_code == 404
    api = api_as(tree.town2_cadre)
    assert api.get(f"/join-requests/{j.pk}").status_code == 404
    assert api.post(f"/join-requests/{j.pk}/approve", {}).status_code == 404
    assert api.post(f"/join-requests/{j.pk}/reject", {"reason": "x"}).status_code == 404
    j.refresh_from_db()
    assert j.status == JoinStatus.PENDING


def test_markup_typed_by_a_worker_is_shown_to_cadres_as_text(tree):
    town_firm = "<img src=x onerror=alert(1)>厂"
    j = join_request(enterprise_name=town_firm, town=tree.town1, name="李<b>明")
    assert j.enterprise_name == town_firm
    client = Client()
    client.force_login(tree.town1_cadre)
    for page in (client.get(reverse("portal:join_list")), client.get(reverse("portal:join_detail", args=[j.pk]))):
        body = page.content.decode()
        assert "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
        assert "李<b>明" not in body


def test_a_join_form_post_needs_the_csrf_token(tree):
    user = worker()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("portal:join_new"), {"name": "周敏", "id_number": id_number(),
                                                        "phone": "13655556666", "enterprise_name": "x",
                                                        "consent": "on"})
    assert response.status_code == 403 and not JoinRequest.objects.filter(account=user).exists()
    j = join_request(account=user, enterprise=tree.enterprise1)
    assert client.post(reverse("portal:my_join_withdraw", args=[j.pk])).status_code == 403
    cadre = Client(enforce_csrf_checks=True)
    cadre.force_login(tree.union1_chair)
    assert cadre.post(reverse("portal:join_approve", args=[j.pk])).status_code == 403
    assert cadre.post(reverse("portal:join_reject", args=[j.pk]), {"reject-reason": "x"}).status_code == 403
    j.refresh_from_db()
    assert j.status == JoinStatus.PENDING


def test_the_id_number_stays_out_of_error_reports(tree):
    client = Client()
    client.force_login(worker())
    response = client.post(reverse("portal:join_new"), {"name": "周敏", "id_number": id_number()})
    assert {"id_number", "phone"} <= set(response.wsgi_request.sensitive_post_parameters)


# --- joins: the worker side ------------------------------------------------------------------------

def test_a_login_cannot_probe_id_numbers_one_after_another(tree):
    prober = worker()
    limit = join_rules().identity_refusals_per_day
    for _i in range(limit):
        member = tree.member(tree.union2)
        with pytest.raises(DomainError) as exc:
            join_request(account=prober, id_no=member.person.id_number(), enterprise=tree.enterprise1)
        assert exc.value.code == "already_member"
    # now even a member's number is not told apart from a fresh one
    with pytest.raises(DomainError) as exc:
        join_request(account=prober, id_no=tree.member(tree.union2).person.id_number(), enterprise=tree.enterprise1)
    assert exc.value.code == "too_many_refusals"
    with pytest.raises(DomainError) as exc:
        join_request(account=prober, enterprise=tree.enterprise1)
    assert exc.value.code == "too_many_refusals"
    # other logins are not held back
    assert join_request(enterprise=tree.enterprise1).status == JoinStatus.PENDING


def test_a_login_with_its_own_mobile_cannot_give_another(tree):
    user = worker(phone="13700001234")
    api = api_as(user)
    sent = api.post("/my/join-request", {"name": "周敏", "id_number": id_number(), "phone": "13655556666",
                                         "enterprise": tree.enterprise1.pk, "consent": True})
    assert sent.status_code == 201
    j = JoinRequest.objects.get(pk=sent.json()["id"])
    assert j.phone() == "13700001234"


@pytest.mark.parametrize("field,value", [
    ("name", "x" * 65), ("id_number", "1" * 19), ("id_number", "11010519491231002"), ("phone", "12"),
    ("enterprise", 10**12), ("enterprise", "abc"), ("town", -1), ("hometown_province", "火星"),
    ("consent", "maybe"), ("is_migrant", [1]), ("extra", 1)])
def test_garbage_in_the_join_api_saves_nothing(tree, field, value):
    api = api_as(worker())
    data = {"name": "周敏", "id_number": id_number(), "phone": "13655556666", "enterprise": tree.enterprise1.pk,
            "consent": True, field: value}
    answer = api.post("/my/join-request", data)
    assert 400 <= answer.status_code < 500 and answer.status_code != 403, answer.content
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize("data", [
    {"effective_on": "2099-01-01", "enterprise": "E"}, {"effective_on": "1900-01-01", "enterprise": "E"},
    {"effective_on": "not a date"}, {"union": 10**12, "enterprise": "E"}, {"reason": "x" * 151, "enterprise": "E"},
    {"enterprise_name": "x" * 201}])
def test_garbage_in_the_transfer_api_saves_nothing(tree, data):
    from gonghui.members.models import Person, Transfer

    membership = tree.member(tree.union1)
    user = worker()
    Person.objects.filter(pk=membership.person_id).update(account=user)
    other = EnterpriseFactory(town=tree.town1, union=tree.union2)
    payload = {k: (other.pk if v == "E" else v) for k, v in data.items()}
    answer = api_as(user).post("/my/transfer-request", payload)
    assert 400 <= answer.status_code < 500, answer.content
    assert not Transfer.objects.exists()


def test_an_export_or_api_filter_naming_another_towns_org_is_not_served(tree):
    join_request(enterprise=tree.enterprise1)
    client = Client()
    client.force_login(tree.town2_cadre)
    assert client.get(reverse("portal:join_export"), {"org": tree.town1.pk}).status_code == 404
    assert client.get(reverse("portal:join_export"), {"town": tree.town1.pk}).status_code == 404
    listing = api_as(tree.town2_cadre).get(f"/join-requests?org={tree.union1.pk}")
    assert listing.status_code == 200 and listing.json()["items"] == []


@pytest.mark.parametrize("field,value", [
    ("name", "x" * 65), ("name", "李\x00明"), ("id_number", "110105194912310021"), ("id_number", "１" * 18),
    ("phone", "1" * 21), ("phone", "abc"), ("enterprise", "999999"), ("enterprise", "1; drop"), ("town", "abc"),
    ("town", "999999"), ("hometown_province", "火星"), ("is_migrant", "maybe"), ("enterprise_name", "x" * 201)])
def test_garbage_in_the_join_form_is_refused_on_its_field(tree, field, value):
    user = worker()
    client = Client()
    client.force_login(user)
    data = {"name": "周敏", "id_number": id_number(), "phone": "13655556666", "enterprise_name": "无此企业名称",
            "town": tree.town1.pk, "consent": "on", field: value}
    response = client.post(reverse("portal:join_new"), data)
    assert response.status_code == 400, response.status_code
    assert response.context["form"].errors
    assert not JoinRequest.objects.filter(account=user).exists()


@pytest.mark.parametrize("union", ["other_town", "abc", "-1", "999999999999999999999", "town"])
def test_a_town_approval_naming_a_union_it_may_not_choose_saves_nothing(tree, union):
    j = join_request(enterprise=EnterpriseFactory(town=tree.town1, union=None))
    value = {"other_town": tree.union2.pk if tree.union2.path.startswith(tree.town2.path) else tree.town2.pk,
             "town": tree.town1.pk}.get(union, union)
    client = Client()
    client.force_login(tree.town1_cadre)
    response = client.post(reverse("portal:join_approve", args=[j.pk]), {"approve-union": value})
    assert response.status_code == 400
    assert response.context["approve_form"].errors
    j.refresh_from_db()
    assert j.status == JoinStatus.PENDING and j.membership_id is None
    api = api_as(tree.town1_cadre).post(f"/join-requests/{j.pk}/approve", {"union": value})
    assert 400 <= api.status_code < 500
    j.refresh_from_db()
    assert j.status == JoinStatus.PENDING


def test_one_address_cannot_try_passwords_on_number_after_number(settings):
    settings.PORTAL_AUTH_RULES = {"password_failures_per_ip_per_hour": 3}
    account = portal_account(phone="13912340009")
    client = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(3):
        refused = client.post(reverse("portal:login"), {"phone": f"1391234001{n}", "password": "12345678"})
        assert refused.status_code == 200 and "_auth_user_id" not in client.session
    blocked = client.post(reverse("portal:login"), {"phone": "13912340009", "password": PASSWORD})
    assert blocked.status_code == 200 and "_auth_user_id" not in client.session
    answer = client.post("/api/v1/portal/auth/token", {"phone": "13912340009", "password": PASSWORD},
                         content_type="application/json")
    assert answer.status_code == 429 and answer.json()["code"] == "locked_out"
    # the account itself is not locked: from another address the password works
    other = Client(REMOTE_ADDR="203.0.113.51")
    assert other.post(reverse("portal:login"), {"phone": "13912340009", "password": PASSWORD}).status_code == 302
    assert int(other.session["_auth_user_id"]) == account.pk
