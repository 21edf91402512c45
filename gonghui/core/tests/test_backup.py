"""The restore drill: data in several apps and an upload, backup_db, restore_db into a scratch
database (PostgreSQL: one this module creates and drops; SQLite: a temporary file), then the
counts and checksums must match and a tampered row must be caught.

One backup and one restore serve the whole module (a restore of ~150 tables takes a few
seconds on PostgreSQL); the data is committed, because pg_dump reads from its own connection,
and the tables it went into are emptied when the module ends."""

import shutil
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
    for name, content in UPLOADS.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(content)
    return {model._meta.db_table: model.objects.count()
            for model in (Org, Enterprise, Person, Membership, AuditEvent, type(tree.outsider))}


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
            made = backup.create_backup(base / "backups", media_root=base / "media")
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


def test_restore_reproduces_every_table_and_upload(drill, target):
    restored = backup.table_stats(target.db)
    assert restored == drill.backup.manifest["tables"]
    assert all(restored[table]["rows"] == rows for table, rows in drill.counts.items())
    for name, content in UPLOADS.items():
        assert (target.media / name).read_bytes() == content


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
