"""Helpers for API tests: a JSON client signed in with a bearer token."""

import itertools
import json

from django.test import Client

API = "/api/v1"


class ApiClient:
    """Thin wrapper over Django's test client: JSON in, bearer token on every request."""

    def __init__(self, raw_token=None, **headers):
        if raw_token:
            headers.setdefault("Authorization", f"Bearer {raw_token}")
        self.client = Client(headers=headers)

    def get(self, path, params=None, **headers):
        return self.client.get(API + path, params or {}, headers=headers)

    def post(self, path, body=None, *, raw=None, **headers):
        """POST `body` as JSON, or `raw` (bytes) as it is."""
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(API + path, data, content_type="application/json", headers=headers)

    def patch(self, path, body=None, *, raw=None, **headers):
        data = raw if raw is not None else json.dumps(body)
        return self.client.patch(API + path, data, content_type="application/json", headers=headers)

    def delete(self, path, **headers):
        return self.client.delete(API + path, headers=headers)


_names = itertools.count(1)


def token_for(user, name=None):
    from gonghui.accounts.services import create_api_token

    _token, raw = create_api_token(actor=user, name=name or f"test-{next(_names)}")
    return raw


def api_as(user):
    """An ApiClient for `user` (None: no credentials at all)."""
    return ApiClient(token_for(user) if user is not None else None)
