"""ninja builds one response model per response type (api_support.share_response_models), not one
per status code of every operation; what the API answers and documents is unchanged."""

from typing import Annotated

from django.test import Client
from ninja import Router, Schema
from ninja.constants import NOT_SET
from ninja.operation import Operation
from pydantic import Field

from gonghui.core.api_support import WRITE_ERRORS, ErrorOut


def _operations():
    from gonghui.api import api

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def test_every_operation_shares_one_error_model():
    error_models = {model for operation in _operations() for model in operation.response_models.values()
                    if model not in (None, NOT_SET) and model.model_fields["response"].annotation is ErrorOut}
    assert len(error_models) == 1


def test_same_type_same_model_and_the_model_still_validates():
    class Out(Schema):
        id: int

    router = Router()

    @router.get("/a", response={200: Out, **WRITE_ERRORS})
    def a(request): ...

    @router.get("/b", response={201: Out, 404: ErrorOut})
    def b(request): ...

    op_a, op_b = (view.operations[0] for view in router.path_operations.values())
    assert op_a.response_models[200] is op_b.response_models[201]
    assert op_a.response_models[404] is op_b.response_models[404] is op_a.response_models[400]
    assert op_a.response_models[200] is not op_a.response_models[404]
    assert op_a.response_models[200].model_validate({"response": {"id": 3}}).model_dump() == {"response": {"id": 3}}


def test_an_unhashable_type_still_gets_a_model():
    unhashable = Annotated[int, Field(ge=1), {"not": "hashable"}]
    model = Operation._create_response_model(None, unhashable)
    assert model.model_validate({"response": 2}).model_dump() == {"response": 2}
    assert Operation._create_response_model(None, None) is None


def test_error_bodies_and_the_schema_are_unchanged(db):
    response = Client().get("/api/v1/orgs")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "field", "errors"}
    schema = Client().get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/orgs/{org_id}"]["patch"]["responses"]
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for status in ("400", "401", "403", "404", "409", "422"):
        assert responses[status]["content"]["application/json"]["schema"] == error_ref, status


def test_every_schema_is_an_api_schema_without_resolvers():
    """ApiSchema validates a dict without ninja's DjangoGetter, which alone calls `resolve_<field>`
    methods: the project's schemas must have none, and must all be ApiSchemas (a plain ninja Schema
    would validate every row the slow way)."""
    import gonghui.api  # noqa: F401 — every router's module, so every schema class is defined
    from gonghui.api import _project_schema_classes
    from gonghui.core.api_support import ApiSchema

    schemas = [cls for cls in _project_schema_classes() if issubclass(cls, Schema)]
    assert len(schemas) > 400
    assert [cls.__qualname__ for cls in schemas if not issubclass(cls, ApiSchema)] == []
    assert [cls.__qualname__ for cls in schemas if cls._ninja_resolvers] == []


def test_a_dict_and_an_object_validate_alike():
    import datetime
    from types import SimpleNamespace

    from gonghui.core.api_support import ApiSchema, Ref

    class Row(ApiSchema):
        id: int
        on: datetime.date
        union: Ref | None
        tags: list[str] = []

    as_dict = {"id": 1, "on": "2026-12-02", "union": {"id": 2, "name": "工会"}}
    as_object = SimpleNamespace(id=1, on=datetime.date(2026, 12, 2), union=SimpleNamespace(id=2, name="工会"), tags=[])
    assert Row.model_validate(as_dict).model_dump() == Row.model_validate(as_object).model_dump() == {
        "id": 1, "on": datetime.date(2026, 12, 2), "union": {"id": 2, "name": "工会"}, "tags": []}
