"""Stored XSS: a payload in every free-text field of every model never reaches a page unescaped.

On the small demo district (seeded once for the module), `fill_free_text` writes a payload into
every free-text CharField/TextField of every model of the project's apps (`queryset.update()`,
so no form cleans it first — as if it had come in through an import, the API or an older
release). Then the site is crawled as the district cadre (`core.testing.crawl`) and the portal as
member1: no HTML page contains the raw tag, no page answers 500, and the API answers JSON.

Generic on purpose: a field or a page added later is covered without editing this file. A field
is left out only for a reason in `skip_reason` (choices, encrypted PII, validated formats) or in
SKIPPED_FIELDS with a comment; `test_skipped_fields_still_exist` keeps that list honest.
"""

import dataclasses
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import DatabaseError, models, transaction
from django.db.models.functions import Cast, Concat
from django.http import HttpResponse
from django.test import Client, override_settings

from gonghui.core.excel import XLSX_CONTENT_TYPE as XLSX_TYPE
from gonghui.core.testing.ci import in_ci_pass
from gonghui.core.testing.crawl import Crawler

# Longest first; a field gets the longest that fits its max_length.
XSS_PAYLOADS = ('<x-ss id=x onmouseover=alert(1)>"\'', "<x-ss>\"'", "<x-ss>")
MARKER = b"<x-ss"

# Every test uses the database, so that pytest-django sets the test database up whichever run.
pytestmark = [pytest.mark.django_db, in_ci_pass("sqlite")]

# Room kept in a unique field for the row's pk, appended so that every row stays distinct.
UNIQUE_SUFFIX_ROOM = 12

# Fields a page parses or the system relies on as data, with why they are left out.
SKIPPED_FIELDS = {
    "accounts.User.username": "the sign-in name; not free text (letters, digits and @.+-_ only)",
    "accounts.User.password": "a password hash, never shown",
}

# Rich text stored as sanitised HTML (nh3) and shown with |safe: the payload goes through the
# same sanitiser the services use, as it would on any real write.
RICH_TEXT_FIELDS = {
    "publicity.Article.body": "gonghui.publicity.services.articles.sanitize_html",
}

FORMAT_FIELDS = (models.URLField, models.EmailField, models.SlugField, models.FilePathField)
HARMLESS_VALIDATORS = (MaxLengthValidator, ProhibitNullCharactersValidator)


def field_label(model, field) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def project_models():
    for model in apps.get_models():
        meta = model._meta
        if model.__module__.startswith("gonghui.") and meta.managed and not meta.proxy:
            yield model


def skip_reason(model, field) -> str | None:
    """Why `field` takes no payload, or None when it is free text."""
    label = field_label(model, field)
    if label in SKIPPED_FIELDS:
        return SKIPPED_FIELDS[label]
    if field.primary_key:
        return "primary key"
    if field.name == "path" and any(base.__name__ == "MP_Node" for base in model.__mro__):
        return "treebeard's materialised path: the tree itself, not text"
    if field.choices:
        return "choices: the page shows the label, never the stored value"
    if field.name.endswith(("_enc", "_hash")):
        return "encrypted PII or its keyed lookup hash"
    if isinstance(field, FORMAT_FIELDS):
        return f"{type(field).__name__}: a validated format"
    if any(not isinstance(v, HARMLESS_VALIDATORS) for v in field.validators):
        return "a validated format (codes, numbers)"
    return None


def free_text_fields():
    """(model, field, skip reason or None) for every CharField/TextField of the project's models."""
    for model in project_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                yield model, field, skip_reason(model, field)


def _unique_together_fields(model) -> set[str]:
    names = {name for group in model._meta.unique_together for name in group}
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    return names


def _stored_value(model, field, text):
    """`text` as the update writes it: through the sanitiser for rich text, with the row's pk
    appended where the value must stay unique."""
    sanitiser = RICH_TEXT_FIELDS.get(field_label(model, field))
    if sanitiser:
        module, name = sanitiser.rsplit(".", 1)
        text = getattr(__import__(module, fromlist=[name]), name)(text)
    if field.unique or field.name in _unique_together_fields(model):
        room = (field.max_length or 10_000) - UNIQUE_SUFFIX_ROOM
        return Concat(models.Value(text[:room]), Cast("pk", models.CharField()), output_field=field)
    return text


@dataclasses.dataclass
class Filled:
    written: dict  # field label → the payload written
    skipped: dict  # field label → why it was left out
    media_root: str = ""  # where the demo's files are (tests run with a MEDIA_ROOT of their own)


def fill_free_text(payloads) -> Filled:
    """Write into every free-text field of every row that has a value the longest payload that
    fits (one of `payloads`, or `payloads(index)` → tuple for the field's position, to vary
    them)."""
    written, skipped = {}, {}
    for index, (model, field, reason) in enumerate(free_text_fields()):
        label = field_label(model, field)
        if reason:
            skipped[label] = reason
            continue
        choices = payloads(index) if callable(payloads) else payloads
        limit = field.max_length or 10_000
        room = limit - UNIQUE_SUFFIX_ROOM if field.unique or field.name in _unique_together_fields(model) else limit
        fitting = [p for p in choices if len(p) <= room]
        if not fitting:
            skipped[label] = f"max_length {field.max_length} cannot hold a payload"
            continue
        # Only rows that hold a value: an empty field often means something (a check constraint
        # "a person or a team"), and the payload must not make a row the services could not write.
        rows = model._base_manager.exclude(**{field.name: ""}).exclude(**{f"{field.name}__isnull": True})
        try:
            with transaction.atomic():
                changed = rows.update(**{field.name: _stored_value(model, field, fitting[0])})
        except DatabaseError as exc:  # the audit trail is append-only on PostgreSQL (a trigger)
            skipped[label] = f"the database refuses the update: {str(exc).splitlines()[0]}"
            continue
        if changed:
            written[label] = fitting[0]
    return Filled(written, skipped)


def seeded_with(payloads, tmp_path_factory, django_db_blocker):
    """Generator of a module fixture: the small demo with `payloads` in every free-text field,
    inside one transaction rolled back at the end of the module (media files in a temporary
    folder), so that the rest of the suite never sees it."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    # Outside a django_db test session pytest-django sets up no test database; never seed the real one.
    assert "memory" in name or name.startswith("test_"), f"not a test database: {name}"
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(media)), django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
        filled = fill_free_text(payloads)
        filled.media_root = str(media)
        yield filled
        transaction.set_rollback(True)
    cache.clear()


# --- the crawl ----------------------------------------------------------------------------------

# Types a browser may show inline without running anything of ours (no HTML, no script).
SAFE_INLINE_TYPES = ("image/png", "image/jpeg", "application/pdf")


class RecordingClient:
    """A test client for the crawler that keeps, besides the pages, every answer that is not an
    HTML page (downloads, JSON) and the exception behind every 500."""

    def __init__(self, user):
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.files, self.errors = {}, {}

    def get(self, path, *args, **kwargs):
        def remember(sender, request=None, **_kwargs):
            import sys

            self.errors[path] = repr(sys.exc_info()[1])

        got_request_exception.connect(remember, weak=False)
        try:
            response = self.client.get(path, *args, **kwargs)
        finally:
            got_request_exception.disconnect(remember)
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and not content_type.startswith("text/html"):
            self.files[path] = {key: response.get(key, "") for key in
                                ("Content-Type", "Content-Disposition", "X-Content-Type-Options")}
        return _read_through(response) if response.streaming else response


def _read_through(response):
    """A streaming answer (a file) read to its end and handed on as a plain one. Reading it runs
    the test client's close, which keeps the database connection; the crawler's own
    `response.close()` would send request_finished with close_old_connections connected and close
    the connection — on PostgreSQL the module's transaction with it."""
    content = b"".join(response.streaming_content)
    plain = HttpResponse(content, status=response.status_code)
    for key, value in response.items():
        plain[key] = value
    return plain


@pytest.fixture(scope="module")
def filled(django_db_setup, tmp_path_factory, django_db_blocker):
    yield from seeded_with(XSS_PAYLOADS, tmp_path_factory, django_db_blocker)


def _crawl(username, *start, filled, django_db_blocker):
    from gonghui.accounts.models import User

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=filled.media_root):
        client = RecordingClient(User.objects.get(username=username))
        return client, Crawler(client, per_route=1, keep_bodies=True).run(*start)


@pytest.fixture(scope="module")
def district_crawl(filled, django_db_blocker):
    return _crawl("district", "/", filled=filled, django_db_blocker=django_db_blocker)


@pytest.fixture(scope="module")
def member_crawl(filled, django_db_blocker):
    return _crawl("member1", "/m/", filled=filled, django_db_blocker=django_db_blocker)


def _unescaped(crawl) -> list[str]:
    return [page.path for page in crawl.pages.values() if MARKER in page.body]


def _escaped_seen(crawl) -> int:
    return sum(1 for page in crawl.pages.values() if b"&lt;x-ss" in page.body)


def test_payloads_reached_the_free_text_fields(filled):
    assert len(filled.written) >= 150, sorted(filled.written)


def test_skipped_fields_still_exist():
    labels = {field_label(model, field) for model, field, _reason in free_text_fields()}
    assert set(SKIPPED_FIELDS) <= labels, set(SKIPPED_FIELDS) - labels
    assert {label for label in RICH_TEXT_FIELDS} <= labels


@pytest.mark.parametrize("which", ["district_crawl", "member_crawl"])
def test_no_page_shows_the_payload_unescaped_or_fails(which, request):
    client, crawl = request.getfixturevalue(which)
    failed = {page.path: client.errors.get(page.path, "") for page in crawl.with_status(500)}
    assert not failed, failed
    assert not _unescaped(crawl), _unescaped(crawl)
    # The crawl did see the payload, escaped: otherwise this test would prove nothing.
    assert _escaped_seen(crawl) >= (50 if which == "district_crawl" else 3), _escaped_seen(crawl)


def test_rich_text_comes_out_without_the_tag(district_crawl, member_crawl):
    from gonghui.publicity.models import Article

    pages = {**district_crawl[1].pages, **member_crawl[1].pages}
    article_pages = [p for p in pages.values() if p.route and "news" in p.route and "<int:pk>" in p.route
                     or p.route and p.route.startswith("publicity/articles/<int:pk>")]
    assert article_pages, sorted({p.route for p in pages.values() if p.route and "publicity" in p.route})
    assert all(MARKER not in p.body for p in article_pages)
    assert not Article.objects.filter(body__icontains="<x-ss").exists()


def test_every_stored_file_is_a_safe_download(district_crawl, member_crawl):
    """Downloads reached by the crawl (scans, photos, documents): an attachment, or inline only
    for a type a browser cannot run, always with nosniff, never from MEDIA_URL."""
    files = {**district_crawl[0].files, **member_crawl[0].files}
    problems = []
    for path, headers in files.items():
        if headers["Content-Type"].startswith("application/json"):
            continue
        disposition = headers["Content-Disposition"]
        inline_ok = disposition.startswith("inline") and headers["Content-Type"].startswith(SAFE_INLINE_TYPES)
        if not (disposition.startswith("attachment") or inline_ok):
            problems.append(f"{path}: Content-Disposition {disposition!r} for {headers['Content-Type']}")
        if headers["X-Content-Type-Options"] != "nosniff":
            problems.append(f"{path}: no X-Content-Type-Options: nosniff")
    assert not problems, "\n".join(problems)
    downloads = [path for path, headers in files.items() if not headers["Content-Type"].startswith("application/json")]
    assert len(downloads) >= 2, files  # the demo's scans and documents were reached
    pages = [*district_crawl[1].pages.values(), *member_crawl[1].pages.values()]
    media = ("/" + settings.MEDIA_URL.strip("/") + "/").encode()
    assert not [p.path for p in pages if b'="' + media in p.body or b"='" + media in p.body]


def test_the_check_finds_a_raw_payload():
    """The crawl's check itself: a page with the tag unescaped is reported, an escaped one not."""
    from gonghui.core.testing.crawl import Page

    class Crawl:
        pages = {"/a/": Page("/a/", "a/", 200, body=b"<p>" + XSS_PAYLOADS[0].encode() + b"</p>"),
                 "/b/": Page("/b/", "b/", 200, body=b"<p>&lt;x-ss id=x&gt;</p>")}

    assert _unescaped(Crawl) == ["/a/"]
    assert _escaped_seen(Crawl) == 1


def test_the_api_answers_json(filled, django_db_blocker):
    """Every API list (GET without path arguments) answers JSON (or a file it names), never 500."""
    from gonghui.accounts.models import User
    from gonghui.core.testing.api import API, api_as
    from gonghui.core.tests.test_security_uploads import api_operations

    with django_db_blocker.unblock():
        api = api_as(User.objects.get(username="district"))
        problems, answered = [], 0
        for path, methods, _view in api_operations():
            if "GET" not in methods or "{" in path:
                continue
            response = api.client.get(API + path)
            content_type = response.get("Content-Type", "")
            if response.status_code >= 500:
                problems.append(f"{path}: {response.status_code}")
            elif not content_type.startswith(("application/json", XLSX_TYPE, "application/pdf")):
                problems.append(f"{path}: {response.status_code} {content_type}")
            answered += response.status_code == 200
    assert not problems, problems
    assert answered >= 30, answered
