"""Content-Security-Policy: the header on pages, a policy that allows no inline code, and templates
that need none (no inline <script>, event-handler attributes, style attributes or <style>
elements, no javascript: URLs). An inline script or style would be blocked by the browser under
this policy, so the scan finds what would silently break as well as what would weaken it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]

# Rendered to PDF on the server (core/pdf.py), never sent to a browser: the policy does not apply.
PDF_TEMPLATES = re.compile(r"/pdf/")
COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|<!--.*?-->", re.S)
FORBIDDEN = {
    "inline <script>": re.compile(
        r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']application/(?:ld\+)?json)[^>]*>", re.I),
    "event-handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript\s*:", re.I),
}
def template_files():
    dirs = [*ROOT.glob("gonghui/*/templates"), *(Path(d) for d in settings.TEMPLATES[0]["DIRS"])]
    for directory in dirs:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not PDF_TEMPLATES.search(path.as_posix()):
                yield path


def violations():
    found = {}
    for path in template_files():
        text = COMMENTS.sub("", path.read_text(errors="replace"))
        for what, pattern in FORBIDDEN.items():
            for match in pattern.finditer(text):
                key = (path.relative_to(ROOT).as_posix(), what)
                found.setdefault(key, []).append(match.group(0)[:80])
    return found


def test_templates_need_no_inline_code():
    new = violations()
    assert not new, "\n".join(f"{path}: {what}: {hits}" for (path, what), hits in new.items())


def test_the_scan_catches_what_it_looks_for():
    samples = {
        "inline <script>": "<script>alert(1)</script>",
        "event-handler attribute": '<img src="x.png" onerror="alert(1)">',
        "style attribute": '<div class="a" style="color:red">',
        "<style> element": "<style>p{}</style>",
        "javascript: URL": '<a href="JavaScript:alert(1)">',
    }
    for what, sample in samples.items():
        assert FORBIDDEN[what].search(sample), what
    allowed = ('<script src="/static/app.js" defer></script>', '<script type="application/json" id="d">{}</script>',
               '{# <script>alert(1)</script> #}')
    for sample in allowed:
        assert not any(pattern.search(COMMENTS.sub("", sample)) for pattern in FORBIDDEN.values()), sample


def directives(header):
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.fixture
def pages(tree):
    """(client, url) for pages of every kind of user: anonymous, cadre, member portal, API docs."""
    cadre, member = Client(), Client()
    cadre.force_login(tree.town1_cadre)
    member.force_login(tree.member_user)
    return [(Client(), reverse("accounts:login")), (cadre, reverse("core:home")), (cadre, reverse("orgs:tree")),
            (member, "/m/"), (Client(), "/api/v1/docs")]


def test_every_page_sends_a_policy_without_inline_code(pages):
    for client, url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        policy = directives(response["Content-Security-Policy"])
        for directive in ("script-src", "style-src", "default-src"):
            assert "'unsafe-inline'" not in policy.get(directive, []), (url, directive)
            assert "'unsafe-eval'" not in policy.get(directive, []), (url, directive)
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"], url


def test_rendered_pages_carry_no_inline_script(pages):
    script = FORBIDDEN["inline <script>"]
    for client, url in pages:
        html = client.get(url, follow=True).content.decode()
        assert not script.search(html), (url, script.search(html).group(0))
