"""Formula injection: no exported cell starts a formula, whatever users typed.

On the small demo district with a formula-like payload (`=HYPERLINK(…)`, `+1`, `-1+1`,
`@SUM(1)`, `\\t=1`) in every free-text field (`test_security_xss.fill_free_text`), every export
(every URL pattern whose name contains "export", the annual report's workbook and its API) is
downloaded as the district cadre, and every cell of every sheet is read back: no formula cells,
no text starting with = + - @ tab or CR unless neutralised as `core.excel.safe_cell` does it
(a leading quote), and a negative figure is still a number, not text.

Generic: an export added later is downloaded without editing this file; one whose URL takes
arguments must be named in EXPORT_ARGUMENTS (the test fails naming it).
"""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from gonghui.core.excel import XLSX_CONTENT_TYPE, XlsxStream, is_formula_like
from gonghui.core.testing.api import api_as
from gonghui.core.testing.ci import in_ci_pass
from gonghui.core.testing.crawl import all_routes, fill_route
from gonghui.core.tests.test_security_xss import seeded_with

# Every test uses the database, so that pytest-django sets the test database up whichever run.
pytestmark = [pytest.mark.django_db, in_ci_pass("sqlite")]

FORMULA_PAYLOADS = ('=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(1)", "\t=1", "\r=1")

# Job pages of background exports: they show a status or hand out a finished file, not a list.
NOT_EXPORTS = {"core:export_status", "core:export_download", "members:export_status", "members:export_download"}

# Exports of one record: which model's first row fills the URL argument.
EXPORT_ARGUMENTS = {
    "services:event_checkin_export": ("pk", "services.Event"),
    "voice:survey_export": ("pk", "voice.Survey"),
}

# A text cell that is only a negative number: a figure written as text by mistake.
NEGATIVE_NUMBER_AS_TEXT = re.compile(r"^'?-\d+(\.\d+)?$")


def _payloads_for(index):
    """Vary the payload from field to field, longest that fits first, so every kind is seen."""
    first = FORMULA_PAYLOADS[index % len(FORMULA_PAYLOADS)]
    return (first, *sorted(FORMULA_PAYLOADS, key=len, reverse=True))


@pytest.fixture(scope="module")
def filled(django_db_setup, tmp_path_factory, django_db_blocker):
    yield from seeded_with(_payloads_for, tmp_path_factory, django_db_blocker)


@pytest.fixture
def district(filled, db):
    from gonghui.accounts.models import User

    return User.objects.get(username="district")


def export_routes():
    return [r for r in all_routes() if r.name and "export" in r.name and r.name not in NOT_EXPORTS]


def export_path(route):
    if not route.has_args:
        return fill_route(route.route)
    if route.name not in EXPORT_ARGUMENTS:
        return None
    from django.apps import apps

    argument, model_label = EXPORT_ARGUMENTS[route.name]
    record = apps.get_model(model_label).objects.order_by("pk").first()
    return reverse(route.name, kwargs={argument: record.pk})


def text_of(value):
    """A cell's text as Excel shows it: openpyxl leaves XlsxWriter's escape of CR undone."""
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


def unsafe_cells(content: bytes) -> list[str]:
    """Cells of an .xlsx that a spreadsheet program would run, or a number written as text."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value, where = text_of(cell.value), f"{sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    found.append(f"{where} formula {value!r}")
                elif is_formula_like(value):
                    found.append(f"{where} starts with {value[:1]!r}: {value!r}")
                elif isinstance(value, str) and NEGATIVE_NUMBER_AS_TEXT.match(value):
                    found.append(f"{where} negative number as text {value!r}")
    return found


def payload_cells(content: bytes) -> int:
    """How many cells hold a neutralised payload (proves the payloads reached the export)."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    neutralised = {("'" + p)[:25] for p in FORMULA_PAYLOADS}
    count = sum(1 for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                for value in map(text_of, row) if isinstance(value, str) and value[:25] in neutralised)
    book.close()
    return count


def test_every_export_with_arguments_is_known():
    unknown = [r.name for r in export_routes() if r.has_args and r.name not in EXPORT_ARGUMENTS]
    assert not unknown, f"exports whose URL takes arguments; add them to EXPORT_ARGUMENTS: {unknown}"


def test_no_exported_cell_is_a_formula(client, district):
    client.force_login(district)
    problems, payloads_seen, downloaded = [], 0, 0
    for route in export_routes():
        path = export_path(route)
        response = client.get(path)
        if response.status_code != 200 or response["Content-Type"] != XLSX_CONTENT_TYPE:
            problems.append(f"{route.name} {path}: {response.status_code} {response.get('Content-Type')}")
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        downloaded += 1
        problems += [f"{route.name}: {cell}" for cell in unsafe_cells(content)]
        payloads_seen += payload_cells(content)
    assert not problems, "\n".join(problems)
    assert downloaded >= 80
    assert payloads_seen >= 100  # the payloads did reach the exports (else this test proves nothing)


def test_the_annual_report_workbook_is_formula_safe(client, district):
    client.force_login(district)
    response = client.get(reverse("reports:annual_download", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200, response.status_code
    assert unsafe_cells(b"".join(response.streaming_content) if response.streaming else response.content) == []
    api = api_as(district).get("/reports/annual", {"format": "xlsx"})
    assert api.status_code == 200, api.content[:300]
    assert unsafe_cells(b"".join(api.streaming_content) if api.streaming else api.content) == []


def test_negative_figures_stay_numbers_and_payloads_become_text():
    handle = io.BytesIO()
    with XlsxStream(handle) as book:
        sheet = book.sheet("t", headers=["text", "figure"])
        for payload in FORMULA_PAYLOADS:
            sheet.append([payload, -12.5])
    book = openpyxl.load_workbook(io.BytesIO(handle.getvalue()))
    rows = [tuple(map(text_of, row)) for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert rows == [("'" + p, -12.5) for p in FORMULA_PAYLOADS]
    assert unsafe_cells(handle.getvalue()) == []
