"""The API as a whole: OpenAPI schema and docs, the one error format, bad input never 5xx,
the language of messages, the general rate limit."""

import pytest
from django.core.cache import cache
from django.test import Client

from gonghui.core.testing.api import ApiClient, api_as

RESOURCES = ["/api/v1/auth/token", "/api/v1/orgs", "/api/v1/orgs/{org_id}", "/api/v1/orgs/{org_id}/move",
             "/api/v1/enterprises", "/api/v1/enterprises/{enterprise_id}", "/api/v1/members",
             "/api/v1/members/search", "/api/v1/members/{person_id}", "/api/v1/members/{person_id}/reveal",
             "/api/v1/members/{person_id}/leave", "/api/v1/members/{person_id}/transfers", "/api/v1/transfers",
             "/api/v1/transfers/{transfer_id}/accept", "/api/v1/transfers/{transfer_id}/reject",
             "/api/v1/transfers/{transfer_id}/cancel"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_openapi_schema_lists_the_resources(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "智慧工会 API"
    for path in RESOURCES:
        assert path in schema["paths"], path
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    # The member schemas expose masked fields only.
    detail = schema["components"]["schemas"]["MemberDetail"]["properties"]
    assert "id_number_masked" in detail and "phone_masked" in detail
    assert "id_number" not in detail and "phone" not in detail
    # Creating POSTs document the Idempotency-Key header.
    create = schema["paths"]["/api/v1/members"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])


def test_docs_page_uses_local_assets(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_unknown_and_hidden_records_answer_the_same_404(tree):
    client = api_as(tree.town2_cadre)
    hidden = client.get(f"/orgs/{tree.union1.pk}")
    missing = client.get("/orgs/987654")
    malformed = client.get("/orgs/abc")
    huge = client.get("/orgs/99999999999999999999999999")
    negative = client.get("/orgs/-3")
    assert {r.status_code for r in (hidden, missing, malformed, huge, negative)} == {404}
    assert hidden.content == missing.content == malformed.content == huge.content == negative.content


@pytest.mark.parametrize("query", [
    {"limit": "-1"}, {"limit": "0"}, {"limit": "201"}, {"limit": "abc"}, {"limit": "1e999"},
    {"after": "-5"}, {"after": "x"}, {"after": str(2**70)}, {"level": "NOPE"}, {"parent": "abc"},
    {"parent": str(2**80)},
])
def test_bad_list_parameters_answer_422_with_fields(tree, query):
    response = api_as(tree.district_staff).get("/orgs", query)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] and all(e["field"] and e["message"] for e in body["errors"])
    assert body["field"] == next(iter(query))


def test_limit_caps_the_page(tree):
    response = api_as(tree.district_staff).get("/orgs", {"limit": "200"})
    assert response.status_code == 200 and response.json()["limit"] == 200


@pytest.mark.parametrize("body", [
    b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"', b"null", b"12",
    b'{"parent": "abc", "name": "x", "level": "GROUP", "code": "c"}',
    b'{"parent": 1e400, "name": "x", "level": "GROUP", "code": "c"}',
    b'{"parent": 99999999999999999999999999999, "name": "x", "level": "GROUP", "code": "c"}',
    b'{"parent": -1, "name": "x", "level": "GROUP", "code": "c"}',
    b'{"parent": 1, "name": "\\u0000", "level": "GROUP", "code": "c"}',
    b'{"parent": 1, "name": "\\ud800", "level": "GROUP", "code": "c"}',
    b'{"parent": 1, "name": ["x"], "level": "GROUP", "code": "c"}',
    b'{"parent": 1, "name": "x", "level": "GROUP", "code": "c", "path": "0001"}',
])
def test_bad_bodies_answer_4xx_with_the_error_format(tree, body):
    response = api_as(tree.district_staff).post("/orgs", raw=body)
    assert 400 <= response.status_code < 500, response.content
    data = response.json()
    assert set(data) == {"code", "message", "field", "errors"}
    assert data["message"]


def test_unknown_reference_in_a_body_is_a_400_on_that_field(tree):
    response = api_as(tree.district_staff).post("/orgs", {"parent": 987654, "name": "x", "level": "GROUP",
                                                          "code": "c"})
    assert response.status_code == 400
    assert response.json()["field"] == "parent" and response.json()["code"] == "unknown_reference"


def test_domain_error_carries_code_message_and_field(tree):
    response = api_as(tree.district_staff).post("/orgs", {"parent": tree.union1.pk, "name": "镇",
                                                          "level": "TOWN", "code": "X1"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "level_not_allowed" and body["field"] == "level" and body["message"]


def test_messages_follow_accept_language(tree):
    client = api_as(tree.district_staff)
    chinese = client.post("/orgs", {"parent": tree.union1.pk, "name": "", "level": "GROUP", "code": "Z"})
    english = client.post("/orgs", {"parent": tree.union1.pk, "name": "", "level": "GROUP", "code": "Z"},
                          **{"Accept-Language": "en"})
    assert chinese["Content-Language"] == "zh-hans"
    assert english["Content-Language"] == "en"
    assert chinese.status_code == english.status_code == 400
    # Django's own catalogue is complete: the blank-field message comes back in each language.
    assert "字段不能为空" in chinese.json()["message"]
    assert "This field cannot be blank" in english.json()["message"]


def test_general_rate_limit_per_user(tree, settings):
    settings.API_RATE = "3/min"
    client = api_as(tree.district_staff)
    statuses = [client.get("/orgs").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert api_as(tree.town1_cadre).get("/orgs").status_code == 200  # another user has their own budget


def test_anonymous_schema_and_docs_need_no_token(db):
    assert ApiClient().get("/openapi.json").status_code == 200


def test_parse_rate():
    from gonghui.core.api_support import parse_rate

    assert parse_rate("10/min") == (10, 60)
    assert parse_rate("5/minute") == (5, 60)
    assert parse_rate("100/h") == (100, 3600)
    assert parse_rate("") is None and parse_rate(None) is None


def test_idempotent_replay_while_the_first_request_runs_is_409(tree, monkeypatch):
    from gonghui.core import api_support

    real_add = api_support.cache.add

    def busy(key, *args, **kwargs):
        return False if key.endswith(":lock") else real_add(key, *args, **kwargs)

    monkeypatch.setattr(api_support.cache, "add", busy)
    response = api_as(tree.union1_chair).post("/members", {"union": tree.union1.pk, "name": "甲",
                                                           "id_number": "x"}, **{"Idempotency-Key": "busy-1"})
    assert response.status_code == 409 and response.json()["code"] == "idempotency_in_progress"


def test_a_method_a_route_does_not_take_gets_the_error_format(tree):
    from django.test import Client

    from gonghui.core.testing.api import token_for

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(tree.union1_chair)}")
    response = client.put("/api/v1/members/search", "{}", content_type="application/json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed" and "PUT" in response.json()["message"]
    assert "POST" in response["Allow"]


def test_the_schema_is_built_once_per_language_and_each_caller_gets_a_copy(monkeypatch):
    from django.utils import translation
    from ninja import NinjaAPI

    from gonghui.api import api

    built = []
    original = NinjaAPI.get_openapi_schema

    def counting(self, **kwargs):
        built.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(NinjaAPI, "get_openapi_schema", counting)
    monkeypatch.setattr(api, "_openapi_schemas", {}, raising=False)
    with translation.override("en"):
        first = api.get_openapi_schema(path_prefix="/api/v1/")
        first["paths"].clear()
        again = api.get_openapi_schema(path_prefix="/api/v1/")
    assert len(built) == 1 and "/api/v1/members" in again["paths"]
    with translation.override("zh-hans"):
        api.get_openapi_schema(path_prefix="/api/v1/")
    assert len(built) == 2
