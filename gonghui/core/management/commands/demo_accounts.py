"""Print the demo accounts present in this database (`make run` shows them before serving)."""

from django.core.management.base import BaseCommand

from gonghui.core.demo.accounts import demo_account_rows


class Command(BaseCommand):
    help = "Print the demo accounts (username, role, org, password)."

    def handle(self, *args, **options):
        rows = demo_account_rows()
        if not rows:
            self.stdout.write("No demo accounts in this database (load them with: manage.py seed_demo).")
            return
        header = ("username", "role", "org", "password", "mobile")
        table = [header] + [(*r[:4], r[5]) for r in rows]
        widths = [max(_width(str(row[i])) for row in table) for i in range(len(header))]
        self.stdout.write("Demo accounts (fictional data; sign in at http://127.0.0.1:8000/accounts/login/, "
                          "members also by mobile number at http://127.0.0.1:8000/m/login/):")
        for n, row in enumerate(table):
            self.stdout.write("  " + "  ".join(_pad(str(v), w) for v, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))


def _width(text):
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))
