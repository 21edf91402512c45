"""The JSON API at /api/v1/: one NinjaAPI, each app contributes its router from `<app>/api.py`."""

from ninja import NinjaAPI

api = NinjaAPI(title="智慧工会 API", version="1", urls_namespace="api")
