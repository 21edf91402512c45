"""Load the fictional demo district: `manage.py seed_demo --scale {small,district} [--seed N]`.

- `small`: all 22 towns + 2 platforms, ~24 enterprises and a few hundred members (seconds);
  `make run` loads it once with `--if-empty`.
- `district`: the demo district at real size, ~8,000 enterprises and ~600,000 members with
  history (minutes; COPY on PostgreSQL, batched INSERTs on SQLite).

The same seed gives the same data. The demo accounts (password `demo-pass-2026`) are refused on
a server with DEBUG off unless `--force` (or leave them out with `--no-accounts`).
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from gonghui.core.demo import generator
from gonghui.core.demo.accounts import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load deterministic fictional demo data (the demo district) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(generator.SCALES), default="small")
        parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED,
                            help="random seed: the same seed gives the same data (default %(default)s)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing (successfully) when the database already holds orgs or members")
        parser.add_argument("--force", action="store_true",
                            help="create the demo accounts even though DEBUG is off (test/bench databases)")
        parser.add_argument("--no-accounts", action="store_true",
                            help="load the data without the demo accounts (allowed with DEBUG off)")
        parser.add_argument("--method", choices=["copy", "executemany", "bulk_create"], default=None,
                            help="how rows are written (default: copy on PostgreSQL, executemany elsewhere)")

    def handle(self, *args, scale, seed, if_empty, force, no_accounts, method, verbosity, **options):
        if not generator.database_is_empty():
            if if_empty:
                if verbosity:
                    self.stdout.write("seed_demo: the database already holds data; nothing to do.")
                return
            raise CommandError(
                "The database already holds organisations, enterprises or people. seed_demo loads into an "
                "empty database: use --if-empty to skip quietly, or point DATABASE_URL at a fresh database."
            )
        if not settings.DEBUG and not force and not no_accounts:
            raise CommandError(
                "Refusing: DEBUG is off, so this looks like a real server, and seed_demo would create demo "
                f"accounts (district, town1, town2, union1, member1, admin) with the public password "
                f"{DEMO_PASSWORD!r}. Use --force only on a test or benchmark database, or --no-accounts to "
                "load the data alone."
            )
        if verbosity:
            self.stdout.write(f"seed_demo: scale={scale} seed={seed} database={connection.vendor} "
                              f"({connection.settings_dict['NAME']})")

        def progress(total):
            if not verbosity:
                return None
            from tqdm import tqdm

            return tqdm(total=total, unit=" people", unit_scale=True, desc="people", file=sys.stderr,
                        mininterval=1.0, disable=total < 5000)

        result = generator.seed(scale=scale, seed=seed, progress_factory=progress, writer_method=method,
                                accounts=not no_accounts)
        if verbosity:
            c = result.counts
            self.stdout.write(self.style.SUCCESS(
                f"seed_demo: {c['orgs']:,} orgs ({c['towns']} towns, {c['platforms']} platforms, "
                f"{c['unions']:,} unions, {c['groups']:,} groups), {c['enterprises']:,} enterprises, "
                f"{c['people']:,} people, {c['memberships']:,} memberships ({c['live_memberships']:,} live), "
                f"transfers {c['transfers_by_status']}, migrants {c['migrant_share']:.0%} "
                f"in {result.seconds:.1f} s"
            ))
            wage = c.get("wage_agreements")
            if wage:
                self.stdout.write(
                    f"seed_demo: {wage['total']:,} wage agreements {wage['by_kind']} covering "
                    f"{wage['workers_covered']:,} workers ({wage['in_force']:,} in force: "
                    f"{wage['workers_in_force']:,}), {wage['overdue']} overdue and {wage['due_soon']} due soon "
                    f"as of {wage['as_of']} ({wage['seconds']:.1f} s)")
