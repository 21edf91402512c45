"""Restore a backup_db backup and prove it complete:
`manage.py restore_db --input /var/backups/gonghui/gonghui-20261201-020000Z --database-url URL [--force]`.

Checks the backup's sha256s, refuses a non-empty target database or media directory unless
--force, unpacks and checks the media in a staging directory before the database is touched,
restores the database (PostgreSQL: pg_restore in one transaction), swaps the media in as
MEDIA_ROOT, then recomputes every table's row count and checksum on the target and fails on any
difference.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gonghui.core import backup


class Command(BaseCommand):
    help = "Restore a backup made by backup_db into --database-url and MEDIA_ROOT, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="A backup directory (gonghui-…Z) made by backup_db.")
        parser.add_argument("--database-url", required=True,
                            help="Target: postgres://USER@HOST:PORT/NAME (password in ~/.pgpass or the URL) "
                                 "or sqlite:////absolute/path.sqlite3.")
        parser.add_argument("--media-root", default=None, help="Where the uploads go (default: MEDIA_ROOT).")
        parser.add_argument("--force", action="store_true",
                            help="Replace a non-empty target: drops its schema; moves present media aside.")

    def handle(self, *args, input, database_url, media_root, force, **options):  # noqa: A002 - the option's name
        try:
            result = backup.restore_backup(input, database_url, force=force, media_root=media_root)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        if result.set_aside_media:
            self.stdout.write(_("The media files that were there are kept in %(path)s.")
                              % {"path": result.set_aside_media})
        self.stdout.write(_("Restored and verified: %(tables)s tables, %(rows)s rows match the backup's counts "
                            "and checksums; %(files)s media files; %(seconds)s s.") % {
            "tables": result.tables, "rows": result.rows, "files": result.media_files,
            "seconds": f"{result.seconds:.1f}"})
