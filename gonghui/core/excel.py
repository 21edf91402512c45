"""Excel in and out, shared by every app.

Reading: python-calamine (an order of magnitude faster than openpyxl). `read_rows` yields
`(excel_row_number, values)` lazily, the header being row 1 as the user sees it in Excel.

Checking an upload: `check_xlsx` accepts only a real .xlsx (a zip holding a workbook, no
macros, not a zip bomb) that calamine can open; anything else is refused with a message a
user can act on.

Writing: `XlsxStream` wraps XlsxWriter in constant-memory mode (rows go to disk as they are
written, ~22 MB for 600,000 rows). Every string goes through `safe_cell`, and XlsxWriter's
own guessing (strings → formulas / URLs / numbers) is switched off, so a cell such as
`=cmd|' /C calc'!A0` stays text whoever opens the file.
"""

import datetime
import decimal
import zipfile
from collections.abc import Iterator

import xlsxwriter
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell starting with one of these is run as a formula by Excel, WPS or LibreOffice (OWASP
# "CSV injection"); tab and carriage return hide the sign from a quick look.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# An .xlsx is XML in a zip; real member files compress ~5-8×. Refuse archives that would
# expand beyond this many times the upload limit (zip bombs).
MAX_EXPANSION = 20


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(value):
    """Neutralise formula injection: a string starting with = + - @ tab or CR gets a leading
    single quote, so spreadsheet programs show it as text instead of evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# --- reading -------------------------------------------------------------------------------

class SpreadsheetError(ValidationError):
    """The file as a whole cannot be read (not a row problem)."""


def check_xlsx(fileobj, *, max_bytes: int, name: str = "") -> None:
    """Raise SpreadsheetError unless `fileobj` is an .xlsx workbook we are willing to parse.

    Checks, cheapest first: the extension, the size, the zip signature and directory, the
    workbook part, macros, the uncompressed size, and finally that calamine opens it and finds a
    sheet. The file position is restored.
    """
    if name and not name.lower().endswith(".xlsx"):
        raise SpreadsheetError(_("Only Excel workbooks (.xlsx) can be imported. Save the file as "
                                 "“Excel Workbook (*.xlsx)” and upload it again."), code="not_xlsx")
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > max_bytes:
        raise SpreadsheetError(
            _("The file is %(size)s MB; the largest file that can be imported is %(max)s MB. "
              "Split it into several files.") % {"size": _mb(size), "max": _mb(max_bytes)}, code="too_large")
    if size == 0:
        raise SpreadsheetError(_("The file is empty."), code="empty")
    not_xlsx = SpreadsheetError(
        _("This file is not an Excel workbook (.xlsx), even though its name ends in .xlsx. Open it in "
          "Excel or WPS and save it as “Excel Workbook (*.xlsx)”."), code="not_xlsx")
    try:
        if fileobj.read(4) != b"PK\x03\x04":
            raise not_xlsx
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise not_xlsx from exc
    finally:
        fileobj.seek(0)
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise not_xlsx
    if "xl/workbook.bin" in names:
        raise SpreadsheetError(_("Binary workbooks (.xlsb) cannot be imported; save the file as .xlsx."),
                               code="xlsb")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise SpreadsheetError(_("The workbook contains macros, which are not accepted. Save it as a plain "
                                 "“Excel Workbook (*.xlsx)”."), code="macros")
    if expanded > max_bytes * MAX_EXPANSION:
        raise SpreadsheetError(_("The workbook expands to more data than can be imported at once. "
                                 "Split it into several files."), code="too_large")
    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        try:
            if not workbook.sheet_names:
                raise SpreadsheetError(_("The workbook has no worksheet."), code="no_sheet")
        finally:
            workbook.close()
    except CalamineError as exc:
        raise not_xlsx from exc
    except Exception as exc:  # calamine raises several error types for damaged files
        if isinstance(exc, SpreadsheetError):
            raise
        raise not_xlsx from exc
    finally:
        fileobj.seek(0)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}"


def read_rows(source, *, sheet: int | str = 0) -> Iterator[tuple[int, list]]:
    """Yield (row number as shown in Excel, cell values) for one worksheet, lazily.

    `source` is a path, a file-like object or bytes. Values are str, int, float, bool,
    date/datetime, time or timedelta; empty cells are "". Leading empty rows are kept so the
    numbering matches Excel (tested in members/tests/test_import_rules.py).
    """
    import io

    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    try:
        workbook = CalamineWorkbook.from_object(source)
    except Exception as exc:  # noqa: BLE001 — any failure to open is "not a workbook"
        raise SpreadsheetError(_("This file could not be read as an Excel workbook."), code="not_xlsx") from exc
    with workbook:
        try:
            ws = workbook.get_sheet_by_index(sheet) if isinstance(sheet, int) else workbook.get_sheet_by_name(sheet)
        except Exception as exc:  # noqa: BLE001
            raise SpreadsheetError(_("The workbook has no worksheet."), code="no_sheet") from exc
        # calamine's iter_rows starts at row 1 of the sheet even when the data starts lower.
        yield from enumerate(ws.iter_rows(), start=1)


def cell_text(value) -> str:
    """A cell as text: whole floats lose their '.0' (Excel stores 13812345678 as a float)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return str(value)


# --- writing -------------------------------------------------------------------------------

class XlsxStream:
    """Write large workbooks row by row with bounded memory (XlsxWriter constant_memory).

        with XlsxStream(fileobj_or_path) as book:
            sheet = book.sheet("会员", headers=[...], widths=[...])
            for row in rows:
                sheet.append(row)

    Within one sheet rows must be appended in order (constant-memory mode flushes each row).
    """

    def __init__(self, target):
        self.workbook = xlsxwriter.Workbook(target, {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        })
        self.header_format = self.workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        self.date_format = self.workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime_format = self.workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.text_format = self.workbook.add_format({"num_format": "@"})
        self.wrap_format = self.workbook.add_format({"text_wrap": True, "valign": "top"})

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.workbook.close()
        return False

    def sheet(self, name, *, headers=None, widths=None, text_columns=()):
        return _StreamSheet(self, self.workbook.add_worksheet(name[:31]), headers, widths, text_columns)


class _StreamSheet:
    def __init__(self, book, worksheet, headers, widths, text_columns):
        self.book, self.ws, self.row = book, worksheet, 0
        for col, width in enumerate(widths or ()):
            self.ws.set_column(col, col, width, book.text_format if col in text_columns else None)
        for col in text_columns:
            if not widths or col >= len(widths):
                self.ws.set_column(col, col, None, book.text_format)
        if headers:
            for col, header in enumerate(headers):
                self.ws.write_string(0, col, safe_cell(str(header)), book.header_format)
            self.ws.freeze_panes(1, 0)
            self.row = 1

    def append(self, values, cell_format=None):
        ws, row, book = self.ws, self.row, self.book
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(row, col, safe_cell(value), cell_format)
            elif isinstance(value, bool):
                ws.write_boolean(row, col, value, cell_format)
            elif isinstance(value, int | float | decimal.Decimal):
                ws.write_number(row, col, value, cell_format)
            elif isinstance(value, datetime.datetime):
                ws.write_datetime(row, col, value.replace(tzinfo=None), book.datetime_format)
            elif isinstance(value, datetime.date):
                ws.write_datetime(row, col, value, book.date_format)
            else:
                ws.write_string(row, col, safe_cell(str(value)), cell_format)
        self.row += 1

    @property
    def worksheet(self):
        return self.ws


def xlsx_response(fileobj, filename: str) -> FileResponse:
    """Send a finished workbook (e.g. a TemporaryFile, rewound) as a download; the file is
    closed (and a temporary one deleted) when the response is done. Never cached: workbooks
    hold personal data and figures as of the moment they were made."""
    fileobj.seek(0)
    response = FileResponse(fileobj, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    add_never_cache_headers(response)
    return response
