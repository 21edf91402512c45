"""The zh-hans catalogues are complete, compiled and current, and zh-hans is what a visitor gets.

Each app owns its catalogue (gonghui/<app>/locale/zh_Hans/LC_MESSAGES/django.po, see
docs/decisions.md). A string added to the code without a translation fails here, so the Chinese
UI never shows stray English.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from gonghui.core.testing.ci import in_ci_pass

# Engine-independent (a subprocess or the catalogues): CI runs it in its PostgreSQL pass only.
pytestmark = in_ci_pass("postgresql")

ROOT = Path(settings.BASE_DIR)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def project_apps():
    return [app for app in apps.get_app_configs() if app.name.startswith("gonghui.")]


def catalogue(app, suffix="po"):
    return Path(app.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / f"django.{suffix}"


@pytest.fixture(params=[app.label for app in project_apps()])
def app(request):
    return apps.get_app_config(request.param)


def test_catalogue_is_complete(app):
    po = polib.pofile(str(catalogue(app)))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{app.label}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{app.label}: fuzzy {fuzzy[:10]}"
    assert "nplurals=1" in po.metadata.get("Plural-Forms", "")


def test_translations_keep_their_placeholders(app):
    po = polib.pofile(str(catalogue(app)))
    wrong = []
    for entry in po.translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if entry.msgid_plural:
            # a plural translation may leave out the count, never add or rename a placeholder
            allowed = set(PLACEHOLDER.findall(entry.msgid) + PLACEHOLDER.findall(entry.msgid_plural))
            wrong += [entry.msgid for text in translations if not set(PLACEHOLDER.findall(text)) <= allowed]
        else:
            wrong += [entry.msgid for text in translations if sorted(PLACEHOLDER.findall(text)) != expected]
    assert not wrong, f"{app.label}: placeholders differ in {wrong[:10]}"


def test_compiled_catalogue_is_current(app):
    def key(entry):  # one msgid may be translated in several contexts
        return entry.msgctxt or "", entry.msgid

    po = {key(entry): entry.msgstr for entry in polib.pofile(str(catalogue(app))).translated_entries()}
    mo = {key(entry): entry.msgstr for entry in polib.mofile(str(catalogue(app, "mo")))}
    stale = sorted(msgid for (_context, msgid), text in po.items() if mo.get((_context, msgid)) != text)
    assert not stale, f"{app.label}: django.mo is older than django.po (run `make messages`): {stale[:5]}"


def test_the_catalogue_is_what_users_see(app):
    """Another catalogue earlier in INSTALLED_APPS (Django's own, or another app's) does not win."""
    from django.utils import translation

    po = polib.pofile(str(catalogue(app)))
    with translation.override("zh-hans"):
        shown_otherwise = [
            (entry.msgid, entry.msgstr, shown) for entry in po.translated_entries()
            if not entry.msgid_plural and not entry.msgctxt
            and (shown := translation.gettext(entry.msgid)) != entry.msgstr
        ]
    assert not shown_otherwise, f"{app.label}: (msgid, ours, shown) {shown_otherwise[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_no_string_is_missing_from_the_catalogue(app, tmp_path):
    """makemessages on a scratch copy of the app finds no msgid the committed catalogue lacks."""
    copy = tmp_path / app.label
    shutil.copytree(app.path, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "zh_Hans", "--no-location",
         "--settings=config.settings.test"],
        cwd=copy, check=True, capture_output=True,
    )
    committed = {entry.msgid for entry in polib.pofile(str(catalogue(app)))}
    found = {entry.msgid for entry in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    missing = sorted(found - committed)
    assert not missing, f"{app.label}: strings not in the catalogue (run `make messages`): {missing[:10]}"


def test_zh_hans_is_the_default_language(client):
    assert settings.LANGUAGE_CODE == "zh-hans"
    response = client.get(reverse("accounts:login"))
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录" in body


def test_english_is_available_by_switcher(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body
