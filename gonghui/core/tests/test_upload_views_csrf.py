"""Views that take a file install the size limit before anything reads the body. A browser's form
post carries its CSRF token in that body, so the CSRF check (which reads it) has to come after
the limit is installed: with the middleware doing it first, installing the limit raised
"You cannot alter upload handlers after the upload has been processed" (a 500) on every real
upload — Django's test client skips CSRF checks unless told, which hid it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse

from gonghui.accounts.roles import Role
from gonghui.core.testing.factories import Tree, user_with_role

pytestmark = pytest.mark.django_db

UPLOAD_VIEWS = ["competitions:competition_evidence_add", "grassroots:harmony_evidence_add",
                "grassroots:home_evidence_add", "honours:reward_scan_add", "welfare:claim_document_add"]
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def browser_like_client(user):
    """A client that enforces CSRF like a browser session: the token from the cookie, in the form."""
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    token = get_token(RequestFactory().get("/"))
    c.cookies["csrftoken"] = token
    return c, token


@pytest.mark.parametrize("url_name", UPLOAD_VIEWS)
def test_a_browser_upload_reaches_the_view(url_name):
    tree = Tree()
    c, token = browser_like_client(user_with_role(tree.district, Role.DISTRICT_STAFF))
    r = c.post(reverse(url_name, args=[999999]),
               {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")})
    assert r.status_code == 404  # the record does not exist: the view ran, after the CSRF check


@pytest.mark.parametrize("url_name", UPLOAD_VIEWS)
def test_the_csrf_check_still_applies(url_name):
    tree = Tree()
    c, _token = browser_like_client(user_with_role(tree.district, Role.DISTRICT_STAFF))
    r = c.post(reverse(url_name, args=[999999]), {"csrfmiddlewaretoken": "x" * 64})
    assert r.status_code == 403


@pytest.mark.parametrize("url_name", UPLOAD_VIEWS)
def test_a_body_over_the_limit_is_refused_unread(url_name, settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024
    tree = Tree()
    c, token = browser_like_client(user_with_role(tree.district, Role.DISTRICT_STAFF))
    big = SimpleUploadedFile("a.pdf", PDF + b"0" * (200 * 1024), "application/pdf")
    r = c.post(reverse(url_name, args=[999999]), {"csrfmiddlewaretoken": token, "file": big})
    assert r.status_code == 413
