"""Write the annual statistics report of an org to a file.

    manage.py annual_report --year 2026 [--org ID] [--industry CODE] --format {xlsx,pdf,json} \\
        --output report.xlsx [--no-refresh]

Refreshes the year's roll-ups first (trigger COMMAND) so the file shows the records as they are
now, unless `--no-refresh` (then the figures are those of the last refresh, printed). The org
defaults to the district (the root of the tree). `--output -` writes to standard output. The
file is made in the default language (Chinese) and audited as an export by the system.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from gonghui.core.errors import DomainError
from gonghui.orgs.models import Org

from ...rules.annual import rules
from ...selectors import annual as selectors
from ...services import annual as services


class Command(BaseCommand):
    help = "Write the annual statistics report of an org (xlsx, pdf or json), refreshing the roll-ups first."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--org", type=int, default=None, help="Org id; default: the district (root).")
        parser.add_argument("--industry", default="", help="An industry code; default: all industries.")
        parser.add_argument("--format", dest="fmt", choices=services.FORMATS, required=True)
        parser.add_argument("--output", required=True, help="File to write; - for standard output.")
        parser.add_argument("--no-refresh", action="store_true",
                            help="Use the figures of the last roll-up refresh instead of refreshing now.")

    def handle(self, *args, year, org, industry, fmt, output, no_refresh, **options):
        r = rules()
        if not r.first_year <= year <= r.last_year:
            raise CommandError(f"--year: {year} is outside {r.first_year}–{r.last_year}")
        with translation.override(settings.LANGUAGE_CODE):
            if industry and industry not in dict(selectors.industry_choices()):
                codes = ", ".join(code for code, _label in selectors.industry_choices() if code)
                raise CommandError(f"--industry: {industry!r} is not one of {codes}")
            target = self._org(org)
            if not no_refresh:
                run = refresh(year)
                self.stderr.write(f"Roll-ups of {year} refreshed: {getattr(run, 'rows', '?')} rows in "
                                  f"{getattr(run, 'seconds', '?')} s.")
            report = selectors.build_annual_report(org=target, year=year, industry=industry)
            if report.figures_as_of is None:
                self.stderr.write(f"Warning: the roll-ups of {year} have never been refreshed; every figure is 0.")
            elif no_refresh:
                self.stderr.write(f"Figures as of {timezone.localtime(report.figures_as_of):%Y-%m-%d %H:%M}.")
            try:
                file = services.export_annual_report(actor=None, report=report, fmt=fmt)
            except DomainError as exc:
                raise CommandError(exc.text) from exc
        self._write(file.content, output)
        if output != "-":
            self.stderr.write(f"{target.name} {year}: {fmt}, {len(file.content):,} bytes → {output}")

    @staticmethod
    def _org(org_id):
        if org_id is None:
            org = Org.objects.filter(depth=1).order_by("path").first()
            if org is None:
                raise CommandError("There is no organisation yet (load the tree or seed_demo first).")
            return org
        try:
            return Org.objects.get(pk=org_id)
        except Org.DoesNotExist:
            raise CommandError(f"--org: there is no organisation with id {org_id}") from None

    def _write(self, content: bytes, output: str):
        if output == "-":
            buffer = getattr(getattr(self.stdout, "_out", None), "buffer", None)
            if buffer is not None:
                self.stdout.flush()
                buffer.write(content)
                buffer.flush()
            else:  # a text stream (call_command(stdout=StringIO())): only JSON is text
                self.stdout.write(content.decode(), ending="")
            return
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"--output: cannot write {output}: {exc.strerror}") from exc


def refresh(year):
    """Refresh the year's roll-ups now (trigger COMMAND), in this process."""
    from ...models.rollups import RollupTrigger
    from ...services.rollups import refresh_rollups

    return refresh_rollups(year=year, actor=None, trigger=RollupTrigger.COMMAND)
