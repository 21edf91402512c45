"""Backups that a restore can prove complete: `manage.py backup_db` and `manage.py restore_db`.

A backup is one directory, `gonghui-YYYYMMDD-HHMMSSZ/`, holding

- `database.dump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite, the online backup API);
- `media.tar`: MEDIA_ROOT (the private uploads) without the transient export files, uncompressed:
  PDFs and photos are compressed already;
- `manifest.json`: when, which engine, the applied migrations, per table its row count and a
  checksum, the sha256 of the two files, and the number and bytes of the media files the tar
  holds (counted as they are added). Written last; the directory is built as
  `….partial` and renamed only when complete, so a half-written backup never has the final name.

The checksums and the dump describe the same moment: on PostgreSQL the checksums are computed in a
REPEATABLE READ transaction whose snapshot `pg_dump --snapshot` reuses; on SQLite they are computed
on the copy. A table's checksum is md5 over the md5 of each row's text, in primary-key order
(per-row hashes keep the aggregate small: 32 bytes a row, not the row itself).

A restore refuses a damaged backup (sha256) and a non-empty target (unless forced), unpacks and
checks the media beside MEDIA_ROOT before it touches the database, restores the database, swaps
the media in, then recomputes every count and checksum on the target and fails on any difference.
See docs/backup.md.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import environ
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from .exports import STORAGE_FOLDER as EXPORTS_FOLDER

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
PG_DUMP_NAME = "database.dump"
SQLITE_NAME = "database.sqlite3"
MEDIA_NAME = "media.tar"
PARTIAL_SUFFIX = ".partial"
HASH_CHUNK = 1024 * 1024
MAX_LISTED_DIFFERENCES = 20
# libpq parameters Django's PostgreSQL OPTIONS may carry that pg_dump/pg_restore also need.
LIBPQ_OPTION_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                    "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}
# Seconds to wait for PostgreSQL to answer a connection: a black-holed server must fail the
# nightly backup, not hang it. OPTIONS["connect_timeout"] or PGCONNECT_TIMEOUT win.
CONNECT_TIMEOUT_SECONDS = 10
# MEDIA_ROOT folders left out of media.tar, relative to it: background export files live 24 h,
# hold full ID and phone numbers, and a restored database does not need them.
EXCLUDED_MEDIA = (PurePosixPath(EXPORTS_FOLDER),)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict


@dataclass
class RestoreResult:
    tables: int
    rows: int
    media_files: int
    seconds: float
    set_aside_media: Path | None = None
    notes: list = field(default_factory=list)


# --- engines ------------------------------------------------------------------------------------
def engine_of(db: dict) -> str:
    engine = db.get("ENGINE", "")
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(_("Backups support PostgreSQL and SQLite only; the database engine is %(engine)s.")
                      % {"engine": engine})


def database_from_url(url: str) -> dict:
    try:
        return environ.Env.db_url_config(url)
    except Exception as exc:  # environ raises bare exceptions of several kinds for a bad URL
        raise BackupError(_("The database URL could not be read (%(error)s); write it as "
                            "postgres://USER@HOST:PORT/NAME or sqlite:////absolute/path.sqlite3.")
                          % {"error": exc}) from None


# --- PostgreSQL -----------------------------------------------------------------------------------
def _pg_connect(db: dict):
    import psycopg

    params = {"dbname": db["NAME"], "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
              "host": db.get("HOST") or None, "port": db.get("PORT") or None}
    params.update({key: value for key, value in (db.get("OPTIONS") or {}).items() if key in LIBPQ_OPTION_ENV})
    if not params.get("connect_timeout") and not os.environ.get("PGCONNECT_TIMEOUT"):
        params["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    try:
        conn = psycopg.connect(**{key: value for key, value in params.items() if value is not None},
                               autocommit=True)
    except psycopg.OperationalError as exc:
        raise BackupError(_("Could not connect to the PostgreSQL database %(name)s: %(error)s")
                          % {"name": db["NAME"], "error": str(exc).strip()}) from None
    # Fixed text forms, so a row hashes the same on every server and session.
    for statement in ("SET TIME ZONE 'UTC'", "SET datestyle = 'ISO, YMD'", "SET intervalstyle = 'postgres'",
                      "SET extra_float_digits = 1", "SET bytea_output = 'hex'"):
        conn.execute(statement)
    return conn


def _pg_env(db: dict) -> dict:
    """Connection settings for pg_dump/pg_restore as libpq variables: the password never appears
    on a command line (where `ps` would show it)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    for key, var in LIBPQ_OPTION_ENV.items():
        if (db.get("OPTIONS") or {}).get(key):
            env[var] = str(db["OPTIONS"][key])
    env.setdefault("PGCONNECT_TIMEOUT", str(CONNECT_TIMEOUT_SECONDS))
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(_("%(tool)s was not found on PATH. Install the PostgreSQL client tools of the "
                            "server's major version or newer (Debian: apt-get install postgresql-client) "
                            "and run the command again.") % {"tool": name})
    return path


def _pg_tables(cursor) -> list[tuple[str, list[str]]]:
    """(table, primary-key columns) for every ordinary or partitioned table of the current schema."""
    cursor.execute("""
        SELECT c.relname,
               coalesce((SELECT array_agg(a.attname ORDER BY k.pos)
                           FROM pg_index i
                           CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos)
                           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                          WHERE i.indrelid = c.oid AND i.indisprimary), '{}')
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         ORDER BY c.relname""")
    return [(name, list(pk)) for name, pk in cursor.fetchall()]


def _pg_table_stats(conn) -> dict:
    from psycopg import sql

    stats = {}
    with conn.cursor() as cursor:
        for table, pk in _pg_tables(cursor):
            row_hash = sql.SQL("md5(t::text)")
            order = sql.SQL(", ").join(sql.SQL("t.") + sql.Identifier(col) for col in pk) if pk else row_hash
            cursor.execute(sql.SQL("SELECT count(*), md5(coalesce(string_agg({row_hash}, '' ORDER BY {order}), ''))"
                                   " FROM {table} AS t").format(row_hash=row_hash, order=order,
                                                                table=sql.Identifier(table)))
            rows, checksum = cursor.fetchone()
            stats[table] = {"rows": rows, "checksum": checksum}
    return stats


def _pg_migrations(conn) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return []
        cursor.execute("SELECT app || '.' || name FROM django_migrations ORDER BY app, name")
        return [name for (name,) in cursor.fetchall()]


def _pg_backup(db: dict, partial: Path) -> tuple[dict, list[str]]:
    """pg_dump and the checksums from one snapshot; the checksums are computed while pg_dump runs."""
    pg_dump = _pg_tool("pg_dump")
    conn = _pg_connect(db)
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            dump = subprocess.Popen(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial / PG_DUMP_NAME}",
                 "--dbname", db["NAME"]],
                env=_pg_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                stats, migrations = _pg_table_stats(conn), _pg_migrations(conn)
            finally:
                _stdout, stderr = dump.communicate()
    finally:
        conn.close()
    if dump.returncode != 0:
        raise BackupError(_("pg_dump failed (exit status %(status)s): %(error)s. Nothing was kept; check "
                            "the database settings and that pg_dump is not older than the server.")
                          % {"status": dump.returncode, "error": stderr.strip()[-500:]})
    return stats, migrations


def _pg_schema_tables(conn) -> int:
    return conn.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')").fetchone()[0]


def _pg_empty_schema(conn):
    """Drop and re-create the current schema (--force): everything in it goes."""
    from psycopg import sql

    schema = conn.execute("SELECT current_schema()").fetchone()[0]
    conn.execute(sql.SQL("DROP SCHEMA {s} CASCADE").format(s=sql.Identifier(schema)))
    conn.execute(sql.SQL("CREATE SCHEMA {s}").format(s=sql.Identifier(schema)))


def _pg_restore(dump: Path, db: dict):
    pg_restore = _pg_tool("pg_restore")
    # One transaction: a restore that fails half-way leaves the target as it was. Owners and grants
    # are not restored: the target's objects belong to the role that restores them.
    done = subprocess.run(
        [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
         "--dbname", db["NAME"], str(dump)],
        env=_pg_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(_("pg_restore failed (exit status %(status)s); its transaction was rolled back, so "
                            "the target database %(name)s holds nothing of the backup (with --force, its old "
                            "content was already dropped): %(error)s")
                          % {"status": done.returncode, "name": db["NAME"], "error": done.stderr.strip()[-500:]})


# --- SQLite -------------------------------------------------------------------------------------
def _sqlite_tables(conn) -> list[tuple[str, list[str]]]:
    names = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    tables = []
    for name in names:
        columns = conn.execute(f'PRAGMA table_info("{name}")').fetchall()  # cid, name, type, notnull, default, pk
        pk = [col[1] for col in sorted((c for c in columns if c[5]), key=lambda c: c[5])]
        tables.append((name, pk))
    return tables


def _sqlite_table_stats(conn) -> dict:
    """SQLite has no md5(): the same scheme as PostgreSQL's, row text hashed in Python."""
    stats = {}
    for table, pk in _sqlite_tables(conn):
        order = ", ".join(f'"{col}"' for col in pk) if pk else "rowid"
        digest, rows = hashlib.md5(usedforsecurity=False), 0
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
            digest.update(hashlib.md5(repr(row).encode(), usedforsecurity=False).hexdigest().encode())
            rows += 1
        stats[table] = {"rows": rows, "checksum": digest.hexdigest()}
    return stats


def _sqlite_migrations(conn) -> list[str]:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone():
        return []
    return [name for (name,) in conn.execute(
        "SELECT app || '.' || name FROM django_migrations ORDER BY app, name")]


def _sqlite_backup(alias: str, partial: Path) -> tuple[dict, list[str]]:
    """Copy through the Django connection (works for a file and for an in-memory database), then
    count and hash the copy, which is the moment the backup holds."""
    source = connections[alias]
    if source.in_atomic_block:
        # SQLite answers LOCKED to a backup from a connection inside a write transaction, and
        # Python's backup() retries LOCKED for ever.
        raise BackupError(_("A SQLite backup cannot run inside a transaction; run backup_db on its own."))
    source.ensure_connection()
    target = sqlite3.connect(partial / SQLITE_NAME)
    try:
        source.connection.backup(target)
        return _sqlite_table_stats(target), _sqlite_migrations(target)
    finally:
        target.close()


def _sqlite_open(db: dict):
    return sqlite3.connect(db["NAME"])


# --- files --------------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _file_entry(path: Path) -> dict:
    return {"sha256": sha256_of(path), "bytes": path.stat().st_size}


def _media_files(root: Path) -> tuple[int, int]:
    """(files, bytes) under root; (0, 0) when it does not exist. Used on the restore's staging
    directory, which nothing else writes to."""
    count = size = 0
    if root.is_dir():
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                count, size = count + 1, size + path.stat().st_size
    return count, size


def _media_entries(directory: Path, relative: PurePosixPath | None = None):
    """(path, name in the tar) of everything under directory, a folder before its content, in name
    order, without EXCLUDED_MEDIA. The site keeps writing meanwhile: a folder that vanishes before
    it is read is skipped."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except FileNotFoundError:
        return
    for entry in entries:
        name = relative / entry.name if relative else PurePosixPath(entry.name)
        if name in EXCLUDED_MEDIA:
            continue
        yield Path(entry.path), name
        if entry.is_dir(follow_symlinks=False):
            yield from _media_entries(Path(entry.path), name)


def _add_to_tar(tar: tarfile.TarFile, path: Path, name: PurePosixPath) -> tarfile.TarInfo | None:
    """Add one entry (not a folder's content); None when it vanished before it was read, or is a
    kind tar cannot hold (a socket). Nothing is written for an entry that fails here: tar stats
    and opens the file before it writes the header."""
    try:
        info = tar.gettarinfo(path, str(name))
        if info is None:
            return None
        if info.isreg():
            with open(path, "rb") as handle:
                tar.addfile(info, handle)
        else:
            tar.addfile(info)
    except FileNotFoundError:  # deleted since it was listed (an upload purged, an export expired)
        return None
    return info


def _tar_media(root: Path, tar_path: Path) -> tuple[int, int]:
    """Write media.tar; (files, bytes) of what went into it, which is what the manifest records:
    a second walk of the live directory would count uploads that arrived after the tar."""
    count = size = 0
    file_sizes = {}  # name in the tar -> bytes, for hard links to it
    with tarfile.open(tar_path, "w") as tar:
        if not root.is_dir():
            return count, size
        for path, name in _media_entries(root):
            info = _add_to_tar(tar, path, name)
            if info is None:
                continue
            if info.isreg():
                file_sizes[info.name] = info.size
                count, size = count + 1, size + info.size
            elif info.islnk():  # unpacked as one more regular file of the same size
                count, size = count + 1, size + file_sizes.get(info.linkname, 0)
    return count, size


def _fsync(path: Path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- backup -------------------------------------------------------------------------------------
def _backup_name(now: datetime.datetime) -> str:
    return "gonghui-" + now.astimezone(datetime.UTC).strftime("%Y%m%d-%H%M%SZ")


def create_backup(output_dir, *, alias: str = DEFAULT_DB_ALIAS, media_root=None, now=None) -> BackupResult:
    """Back up the database `alias` and MEDIA_ROOT into a new directory under output_dir."""
    db = connections[alias].settings_dict
    engine = engine_of(db)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = now or datetime.datetime.now(datetime.UTC)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    final = output_dir / _backup_name(now)
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    if final.exists() or partial.exists():
        raise BackupError(_("%(path)s already exists; wait a second and run the backup again.") % {"path": final})
    partial.mkdir()
    try:
        manifest = _write_backup(partial, engine, db, alias, media_root, now)
        os.rename(partial, final)
        _fsync(output_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(path=final, manifest=manifest)


def _write_backup(partial: Path, engine: str, db: dict, alias: str, media_root: Path, now) -> dict:
    started = time.perf_counter()
    if engine == "postgresql":
        stats, migrations = _pg_backup(db, partial)
        db_file = partial / PG_DUMP_NAME
    else:
        stats, migrations = _sqlite_backup(alias, partial)
        db_file = partial / SQLITE_NAME
    database_seconds = time.perf_counter() - started
    media_count, media_bytes = _tar_media(media_root, partial / MEDIA_NAME)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now.astimezone(datetime.UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "database": db_file.name,
        "migrations": migrations,
        "tables": stats,
        "files": {db_file.name: _file_entry(db_file), MEDIA_NAME: _file_entry(partial / MEDIA_NAME)},
        "media": {"files": media_count, "bytes": media_bytes},
        "seconds": {"database": round(database_seconds, 2),
                    "total": round(time.perf_counter() - started, 2)},
    }
    for path in (db_file, partial / MEDIA_NAME):
        _fsync(path)
    (partial / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    _fsync(partial / MANIFEST_NAME)
    return manifest


# --- restore ------------------------------------------------------------------------------------
def read_manifest(backup_dir) -> dict:
    backup_dir = Path(backup_dir)
    if backup_dir.name.endswith(PARTIAL_SUFFIX):
        raise BackupError(_("%(path)s is an unfinished backup (its name ends in .partial); use a "
                            "complete one.") % {"path": backup_dir})
    try:
        manifest = json.loads((backup_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(_("%(path)s has no manifest.json: it is not a complete backup made by backup_db.")
                          % {"path": backup_dir}) from None
    except ValueError as exc:
        raise BackupError(_("The manifest.json of %(path)s cannot be read (%(error)s): the backup is damaged.")
                          % {"path": backup_dir, "error": exc}) from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(_("The backup %(path)s has format %(found)s; this version reads format %(expected)s.")
                          % {"path": backup_dir, "found": manifest.get("format"), "expected": FORMAT_VERSION})
    return manifest


def check_backup_files(backup_dir, manifest: dict):
    """Every file the manifest lists is there with its sha256; refuses a damaged backup."""
    for name, entry in manifest["files"].items():
        path = Path(backup_dir) / name
        if not path.is_file():
            raise BackupError(_("The backup file %(path)s is missing.") % {"path": path})
        if sha256_of(path) != entry["sha256"]:
            raise BackupError(_("The backup file %(path)s does not match the sha256 in manifest.json: it is "
                                "damaged or was changed. Use another backup.") % {"path": path})


def table_stats(db: dict) -> dict:
    """Row count and checksum of every table of the database described by a settings dict."""
    if engine_of(db) == "postgresql":
        conn = _pg_connect(db)
        try:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return _pg_table_stats(conn)
        finally:
            conn.close()
    conn = _sqlite_open(db)
    try:
        return _sqlite_table_stats(conn)
    finally:
        conn.close()


def compare_tables(expected: dict, found: dict) -> list[str]:
    """What differs between the manifest's tables and the restored database's, one line each."""
    differences = []
    for table in sorted(expected.keys() - found.keys()):
        differences.append(_("table %(table)s is missing") % {"table": table})
    for table in sorted(found.keys() - expected.keys()):
        differences.append(_("table %(table)s is not in the backup") % {"table": table})
    for table in sorted(expected.keys() & found.keys()):
        want, got = expected[table], found[table]
        if want["rows"] != got["rows"]:
            differences.append(_("table %(table)s has %(found)s rows, the backup has %(expected)s")
                               % {"table": table, "found": got["rows"], "expected": want["rows"]})
        elif want["checksum"] != got["checksum"]:
            differences.append(_("table %(table)s has the backup's %(rows)s rows but their content differs "
                                 "(checksum)") % {"table": table, "rows": want["rows"]})
    return differences


def verify_database(manifest: dict, db: dict):
    """Raise BackupError listing every table whose count or checksum differs from the manifest."""
    differences = compare_tables(manifest["tables"], table_stats(db))
    if differences:
        shown = differences[:MAX_LISTED_DIFFERENCES]
        more = len(differences) - len(shown)
        lines = "\n".join(f"  - {line}" for line in shown)
        if more:
            lines += "\n  " + _("… and %(count)s more") % {"count": more}
        raise BackupError(_("The restored database does NOT match the backup (%(count)s differences); do not "
                            "use it:\n%(lines)s") % {"count": len(differences), "lines": lines})


def _target_tables(db: dict) -> int:
    if engine_of(db) == "postgresql":
        conn = _pg_connect(db)
        try:
            return _pg_schema_tables(conn)
        finally:
            conn.close()
    if not Path(db["NAME"]).exists():
        return 0
    conn = _sqlite_open(db)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    finally:
        conn.close()


def _check_targets(manifest: dict, db: dict, media_root: Path, force: bool):
    engine = engine_of(db)
    if engine != manifest["engine"]:
        raise BackupError(_("The backup is of a %(backup)s database; the target is %(target)s. Restore into "
                            "the same engine.") % {"backup": manifest["engine"], "target": engine})
    if engine == "sqlite" and db["NAME"] in ("", ":memory:"):
        raise BackupError(_("Restore SQLite into a file: sqlite:////absolute/path.sqlite3."))
    if force:
        return
    tables = _target_tables(db)
    if tables:
        raise BackupError(_("The target database %(name)s is not empty (%(tables)s tables). Restore into an "
                            "empty database, or add --force to replace everything in it.")
                          % {"name": db["NAME"], "tables": tables})
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(_("The media directory %(path)s is not empty. Restore into an empty directory "
                            "(--media-root), or add --force: the present files are moved aside, not deleted.")
                          % {"path": media_root})


def _restore_database(backup_dir: Path, manifest: dict, db: dict, force: bool):
    source = backup_dir / manifest["database"]
    if manifest["engine"] == "postgresql":
        if force:
            conn = _pg_connect(db)
            try:
                _pg_empty_schema(conn)
            finally:
                conn.close()
        _pg_restore(source, db)
        return
    # The backup API writes the whole target in one transaction, WAL files included.
    Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(db["NAME"])
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _staging_dir(media_root: Path) -> Path:
    return media_root.with_name(media_root.name + ".restoring")


def _unpack_media(tar_path: Path, staging: Path, manifest: dict):
    """Unpack media.tar into staging and check it against the manifest, before the database is
    touched: a backup whose media cannot be restored is refused with the target unchanged."""
    shutil.rmtree(staging, ignore_errors=True)  # left by an interrupted restore
    staging.mkdir(parents=True)
    try:
        with tarfile.open(tar_path) as tar:
            tar.extractall(staging, filter="data")  # refuses absolute paths and links leaving the directory
    except tarfile.TarError as exc:  # a damaged tar, or a member the data filter refuses
        raise BackupError(_("%(file)s could not be unpacked (%(error)s). Nothing was restored; use another "
                            "backup.") % {"file": tar_path, "error": exc}) from None
    files, size = _media_files(staging)
    expected = manifest["media"]
    if (files, size) != (expected["files"], expected["bytes"]):
        raise BackupError(_("The media in %(file)s has %(files)s files, %(bytes)s bytes; the manifest says "
                            "%(expected_files)s files, %(expected_bytes)s bytes. Nothing was restored; use "
                            "another backup.")
                          % {"file": tar_path, "files": files, "bytes": size,
                             "expected_files": expected["files"], "expected_bytes": expected["bytes"]})


def _swap_media_in(staging: Path, media_root: Path, stamp: str) -> Path | None:
    """Rename the checked staging directory to media_root; a non-empty old directory is kept, renamed."""
    set_aside = None
    if media_root.is_dir() and any(media_root.iterdir()):
        set_aside = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
        os.rename(media_root, set_aside)
    elif media_root.is_dir():
        media_root.rmdir()
    os.rename(staging, media_root)
    return set_aside


def restore_backup(backup_dir, database_url: str, *, force: bool = False, media_root=None) -> RestoreResult:
    """Restore a backup into the database at database_url and into media_root, then verify."""
    started = time.perf_counter()
    backup_dir = Path(backup_dir)
    manifest = read_manifest(backup_dir)
    db = database_from_url(database_url)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    check_backup_files(backup_dir, manifest)
    _check_targets(manifest, db, media_root, force)
    # Media first, into staging: what can be checked is checked before the database is replaced.
    staging = _staging_dir(media_root)
    try:
        _unpack_media(backup_dir / MEDIA_NAME, staging, manifest)
        _restore_database(backup_dir, manifest, db, force)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%SZ")
        set_aside = _swap_media_in(staging, media_root, stamp)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already after the swap
    verify_database(manifest, db)
    tables = manifest["tables"]
    return RestoreResult(tables=len(tables), rows=sum(t["rows"] for t in tables.values()),
                         media_files=manifest["media"]["files"], seconds=time.perf_counter() - started,
                         set_aside_media=set_aside)
