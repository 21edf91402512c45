"""The restore drill: data in several apps and an upload, backup_db, restore_db into a scratch
database (PostgreSQL: one this module creates and drops; SQLite: a temporary file), then the
counts and checksums must match and a tampered row must be caught.

One backup and one restore serve the whole module (a restore of ~150 tables takes a few
seconds on PostgreSQL); the data is committed, because pg_dump reads from its own connection,
and the tables it went into are emptied when the module ends."""

import json
import shutil
import tarfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import translation

from gonghui.core import audit, backup
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Org

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump runs on PostgreSQL only")
UPLOADS = {"members/imports/2026/import.xlsx": b"PK\x03\x04 spreadsheet bytes",
           "bargaining/signed/2026/agreement.pdf": b"%PDF-1.7 signed agreement\n" * 50}
EXPORT_FILE = "private/exports/7/job.xlsx"  # transient, full PII: left out of the backup
LATE_UPLOAD = "members/imports/2026/late.xlsx"  # arrives after media.tar is written


@dataclass
class Drill:
    backup: backup.BackupResult
    counts: dict  # table -> rows, counted through the ORM before the backup
    base: Path


@dataclass
class Target:
    url: str
    db: dict
    media: Path


def _seed(media: Path) -> dict:
    tree = Tree()  # orgs, enterprises, accounts with roles
    for union in (tree.union1, tree.union1, tree.union2):
        tree.member(union=union)
    audit.record(actor=tree.district_staff, action="core.backup_drill", obj=tree.union1, org=tree.union1)
    for name, content in {**UPLOADS, EXPORT_FILE: b"PK\x03\x04 an export"}.items():
        _write(media / name, content)
    return {model._meta.db_table: model.objects.count()
            for model in (Org, Enterprise, Person, Membership, AuditEvent, type(tree.outsider))}


def _write(path: Path, content: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _create_backup_while_an_upload_arrives(base: Path) -> backup.BackupResult:
    """The site keeps writing while the backup runs: an upload lands right after media.tar is
    written. The manifest must describe the tar, or the restore refuses a good backup."""
    tar_media = backup._tar_media

    def then_an_upload(root, tar_path):
        written = tar_media(root, tar_path)
        _write(root / LATE_UPLOAD, b"PK\x03\x04 late")
        return written

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backup, "_tar_media", then_an_upload)
        return backup.create_backup(base / "backups", media_root=base / "media")


def _row_counts() -> dict:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        return counts


def _empty_tables_written_since(before: dict):
    """Empty only the tables the drill wrote to: far cheaper than a full `flush` on PostgreSQL,
    and the rows created with the test database (content types, permissions) stay."""
    written = [table for table, rows in _row_counts().items() if rows != before.get(table)]
    with connection.constraint_checks_disabled():  # SQLite deletes table by table, in any order
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), written, allow_cascade=True))


@pytest.fixture(scope="module")
def drill(django_db_setup, django_db_blocker, tmp_path_factory):
    base = tmp_path_factory.mktemp("drill")
    with django_db_blocker.unblock():
        before = _row_counts()
        try:
            counts = _seed(base / "media")
            made = _create_backup_while_an_upload_arrives(base)
            yield Drill(backup=made, counts=counts, base=base)
        finally:
            _empty_tables_written_since(before)


def _scratch_url(name: str) -> str:
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        credentials += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _admin_execute(statement: str):
    conn = backup._pg_connect(connection.settings_dict)
    try:
        conn.execute(statement)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def target(drill):
    if connection.vendor == "postgresql":
        name = f"{connection.settings_dict['NAME']}_restore"[:63]
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin_execute(f'CREATE DATABASE "{name}"')
        url = _scratch_url(name)
    else:
        url = f"sqlite:///{drill.base / 'restored.sqlite3'}"
    made = Target(url=url, db=backup.database_from_url(url), media=drill.base / "restored-media")
    try:
        backup.restore_backup(drill.backup.path, url, media_root=made.media)
        yield made
    finally:
        if connection.vendor == "postgresql":
            _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _execute_on(target: Target, statement: str):
    if target.db["ENGINE"].endswith("sqlite3"):
        conn = backup._sqlite_open(target.db)
        with conn:
            conn.execute(statement)
        conn.close()
    else:
        conn = backup._pg_connect(target.db)
        conn.execute(statement)
        conn.close()


def test_the_backup_is_complete_and_describes_the_data(drill):
    manifest = drill.backup.manifest
    assert drill.backup.path.name.startswith("gonghui-") and drill.backup.path.is_dir()
    assert not list(drill.backup.path.parent.glob("*.partial"))
    assert {table: manifest["tables"][table]["rows"] for table in drill.counts} == drill.counts
    assert drill.counts["members_membership"] == 3 and drill.counts["core_auditevent"] >= 1
    assert manifest["media"] == {"files": len(UPLOADS), "bytes": sum(map(len, UPLOADS.values()))}
    assert manifest["engine"] == connection.vendor  # "postgresql" or "sqlite"
    for name, entry in manifest["files"].items():
        assert backup.sha256_of(drill.backup.path / name) == entry["sha256"]
    with tarfile.open(drill.backup.path / backup.MEDIA_NAME) as tar:
        assert {m.name for m in tar.getmembers() if m.isfile()} == set(UPLOADS)
        assert not [m.name for m in tar.getmembers() if m.name.startswith("private/exports")]


def test_restore_reproduces_every_table_and_upload(drill, target):
    restored = backup.table_stats(target.db)
    assert restored == drill.backup.manifest["tables"]
    assert all(restored[table]["rows"] == rows for table, rows in drill.counts.items())
    for name, content in UPLOADS.items():
        assert (target.media / name).read_bytes() == content
    assert not (target.media / LATE_UPLOAD).exists() and not (target.media / EXPORT_FILE).exists()
    assert not backup._staging_dir(target.media).exists()


def test_a_tampered_row_is_caught_and_force_restores_it(drill, target):
    _execute_on(target, "UPDATE orgs_org SET name = name || '（改）' WHERE id = (SELECT min(id) FROM orgs_org)")
    with translation.override("en"), pytest.raises(backup.BackupError) as caught:
        backup.verify_database(drill.backup.manifest, target.db)
    assert "table orgs_org" in str(caught.value) and "content differs" in str(caught.value)
    assert "members_membership" not in str(caught.value)

    _execute_on(target, "DELETE FROM members_membership WHERE id = (SELECT max(id) FROM members_membership)")
    with translation.override("en"), pytest.raises(backup.BackupError) as caught:
        backup.verify_database(drill.backup.manifest, target.db)
    assert "table members_membership has 2 rows, the backup has 3" in str(caught.value)

    with translation.override("en"), pytest.raises(backup.BackupError) as refused:
        backup.restore_backup(drill.backup.path, target.url, media_root=target.media)
    assert "is not empty" in str(refused.value) and "--force" in str(refused.value)

    result = backup.restore_backup(drill.backup.path, target.url, media_root=target.media, force=True)
    backup.verify_database(drill.backup.manifest, target.db)
    assert result.set_aside_media and (result.set_aside_media / next(iter(UPLOADS))).is_file()


def _copy_with_media_count_off_by_one(copy: Path):
    manifest = json.loads((copy / backup.MANIFEST_NAME).read_text())
    manifest["media"]["files"] += 1
    (copy / backup.MANIFEST_NAME).write_text(json.dumps(manifest))


def _copy_with_a_tar_member_leaving_the_directory(copy: Path):
    """A tar whose sha256 matches its manifest (rewritten) but that the `data` filter refuses."""
    escaping = copy / "escaping.txt"
    escaping.write_bytes(b"outside")
    with tarfile.open(copy / backup.MEDIA_NAME, "w") as tar:
        tar.add(escaping, arcname="../escaping.txt")
    escaping.unlink()
    manifest = json.loads((copy / backup.MANIFEST_NAME).read_text())
    manifest["files"][backup.MEDIA_NAME]["sha256"] = backup.sha256_of(copy / backup.MEDIA_NAME)
    (copy / backup.MANIFEST_NAME).write_text(json.dumps(manifest))


@pytest.mark.parametrize(("damage", "message"), [
    (_copy_with_media_count_off_by_one, "the manifest says 3 files"),
    (_copy_with_a_tar_member_leaving_the_directory, "could not be unpacked"),
])
def test_media_that_cannot_be_restored_is_refused_before_the_database_is_touched(
        drill, target, tmp_path, damage, message):
    copy = tmp_path / drill.backup.path.name
    shutil.copytree(drill.backup.path, copy)
    damage(copy)
    # A table the backup does not have: a forced restore that reached the database would drop it.
    _execute_on(target, "CREATE TABLE drill_marker (id integer PRIMARY KEY)")
    try:
        _execute_on(target, "INSERT INTO drill_marker (id) VALUES (1)")
        before = backup.table_stats(target.db)
        media_before = sorted(p.relative_to(target.media) for p in target.media.rglob("*"))
        with translation.override("en"), pytest.raises(backup.BackupError) as refused:
            backup.restore_backup(copy, target.url, media_root=target.media, force=True)
        assert message in str(refused.value) and "Nothing was restored" in str(refused.value)
        assert backup.table_stats(target.db) == before
        assert sorted(p.relative_to(target.media) for p in target.media.rglob("*")) == media_before
        assert not backup._staging_dir(target.media).exists()
    finally:
        _execute_on(target, "DROP TABLE IF EXISTS drill_marker")


def test_files_that_vanish_while_the_backup_walks_are_skipped(monkeypatch, tmp_path):
    media = tmp_path / "media"
    for name in ("a/kept.pdf", "a/purged.pdf", "b/expired/gone.xlsx"):
        _write(media / name, b"12345")
    media_entries = backup._media_entries

    def deleting_as_listed(directory, relative=None):  # the recursion comes through here too
        for path, name in media_entries(directory, relative):
            if name.name == "purged.pdf":  # deleted between the listing and tar's stat
                path.unlink(missing_ok=True)
            if name.name == "expired":  # a folder deleted before it is read
                shutil.rmtree(path, ignore_errors=True)
            yield path, name

    monkeypatch.setattr(backup, "_media_entries", deleting_as_listed)
    assert backup._tar_media(media, tmp_path / "media.tar") == (1, 5)
    with tarfile.open(tmp_path / "media.tar") as tar:
        assert [m.name for m in tar.getmembers() if m.isfile()] == ["a/kept.pdf"]


def test_the_postgresql_connection_gives_up_after_a_timeout(monkeypatch):
    psycopg = pytest.importorskip("psycopg")
    asked = []

    def refuse(**params):
        asked.append(params)
        raise psycopg.OperationalError("timeout expired")

    monkeypatch.setattr(psycopg, "connect", refuse)
    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    db = {"NAME": "gonghui", "HOST": "10.255.255.1", "OPTIONS": {}}
    with translation.override("en"), pytest.raises(backup.BackupError, match="timeout expired"):
        backup._pg_connect(db)
    with pytest.raises(backup.BackupError):
        backup._pg_connect({**db, "OPTIONS": {"connect_timeout": 3}})
    assert [params["connect_timeout"] for params in asked] == [backup.CONNECT_TIMEOUT_SECONDS, 3]
    assert backup._pg_env(db)["PGCONNECT_TIMEOUT"] == str(backup.CONNECT_TIMEOUT_SECONDS)


def test_restore_db_command_refuses_a_damaged_backup(drill, tmp_path):
    copy = tmp_path / drill.backup.path.name
    shutil.copytree(drill.backup.path, copy)
    with open(copy / backup.MEDIA_NAME, "r+b") as tar:
        tar.seek(600)
        tar.write(b"X")
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("restore_db", "--input", str(copy), "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}",
                     "--media-root", str(tmp_path / "media"))
    assert "media.tar" in str(refused.value) and "sha256" in str(refused.value)
    assert not (tmp_path / "x.sqlite3").exists() and not (tmp_path / "media").exists()


def test_a_failed_backup_leaves_nothing_under_the_final_name(django_db_blocker, monkeypatch, tmp_path):
    def disk_full(root, tar_path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_tar_media", disk_full)
    with django_db_blocker.unblock(), pytest.raises(OSError):  # outside a test transaction, like the command
        backup.create_backup(tmp_path / "out", media_root=tmp_path / "media")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite online backup only")
@pytest.mark.django_db
def test_a_sqlite_backup_inside_a_transaction_is_refused_not_hung(tmp_path):
    with translation.override("en"), pytest.raises(backup.BackupError) as refused:
        backup.create_backup(tmp_path / "out", media_root=tmp_path / "media")
    assert "inside a transaction" in str(refused.value)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_missing_pg_dump_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with translation.override("en"), pytest.raises(backup.BackupError) as missing:
        backup._pg_tool("pg_dump")
    assert "pg_dump was not found" in str(missing.value) and "postgresql-client" in str(missing.value)


@needs_postgres
def test_a_failing_pg_dump_is_reported_and_leaves_no_partial_backup(monkeypatch, tmp_path):
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: connection refused' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    with translation.override("en"), pytest.raises(backup.BackupError) as failed:
        backup.create_backup(tmp_path / "out", media_root=tmp_path / "media")
    assert "exit status 3" in str(failed.value) and "connection refused" in str(failed.value)
    assert list((tmp_path / "out").iterdir()) == []
