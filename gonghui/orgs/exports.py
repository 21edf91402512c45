"""Spreadsheet export of the enterprise list.

Written with `core.excel.XlsxStream` (XlsxWriter constant-memory: rows go to disk as they are
written) into a temporary file that the response then streams; every string passes through
`core.excel.safe_cell`, so a name such as `=HYPERLINK(...)` stays text.
"""

import tempfile

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core.excel import XlsxStream

from .selectors import enterprise_export_rows


def enterprise_headers():
    return [pgettext("org or enterprise", "Name"), _("Unified social credit code"), _("Industry"), _("Headcount"),
            _("Above designated size"), _("Town"), _("Union"), _("Address"), _("District top-100")]


def write_enterprises(queryset):
    """The enterprises of `queryset` as an .xlsx in a rewound temporary file (deleted on close)."""
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it after sending
    yes, no = _("Yes"), _("No")
    with XlsxStream(out) as book:
        sheet = book.sheet(_("Enterprises"), headers=enterprise_headers(), widths=[36, 22, 18, 10, 12, 20, 24, 36, 12],
                           text_columns=(1,))
        for row in enterprise_export_rows(queryset):
            row[4] = yes if row[4] else no
            row[8] = yes if row[8] else no
            sheet.append(row)
    out.seek(0)
    return out
