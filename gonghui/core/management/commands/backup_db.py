"""Back up the database and the private uploads: `manage.py backup_db --output /var/backups/gonghui`.

Writes `gonghui-YYYYMMDD-HHMMSSZ/` under --output (built as `….partial`, renamed when complete):
a `pg_dump -Fc` (PostgreSQL) or an online-backup copy (SQLite), `media.tar` of MEDIA_ROOT (without
the transient export files in private/exports/) and `manifest.json` with per-table row counts and
checksums and the media files' count and bytes as written into the tar. See gonghui/core/backup.py, docs/backup.md.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from gonghui.core import backup


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT into a new, verified-on-restore directory under --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Directory the backup directory is created in.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")
        parser.add_argument("--media-root", default=None, help="Uploads directory (default: MEDIA_ROOT).")

    def handle(self, *args, output, database, media_root, **options):
        try:
            result = backup.create_backup(output, alias=database, media_root=media_root)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        self.stdout.write(_("Backup written to %(path)s: %(tables)s tables, %(rows)s rows, %(files)s media files, "
                            "%(seconds)s s.") % {
            "path": result.path, "tables": len(manifest["tables"]),
            "rows": sum(t["rows"] for t in manifest["tables"].values()),
            "files": manifest["media"]["files"], "seconds": manifest["seconds"]["total"]})
