"""Bulk import of concluded wage agreements: stages from dates, every row problem reported with its
row and column, all or nothing, scope, file errors, permissions, and a 3,000-row file."""

import datetime
import io
import random
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from gonghui.bargaining import importing
from gonghui.bargaining.importing import COLUMNS, HEADERS, import_agreements
from gonghui.bargaining.models import AgreementKind, Coverage, Stage, WageAgreement
from gonghui.bargaining.testing import negotiation
from gonghui.core.excel import XlsxStream, read_rows
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.core.testing.identifiers import make_uscc
from gonghui.orgs.models import Enterprise, Industry, OrgLevel

TODAY = datetime.date(2026, 11, 30)
D = datetime.date
POSITION = {c.key: i for i, c in enumerate(COLUMNS)}
HEADER = {c.key: c.header for c in COLUMNS}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row(**values):
    """A valid 单建 row for union U1 unless told otherwise (keys as in importing.COLUMNS)."""
    base = {"ref": "", "kind": "单建", "title": "2025年度工资专项集体合同", "org_code": "U1", "employer_party": "",
            "industry": "", "uscc": "", "workers": 100, "signed_on": D(2025, 3, 1), "starts_on": D(2025, 4, 1),
            "term_years": 1, "filed_on": "", "published_on": "", "avg_wage": 78000, "avg_increase_pct": 6.5,
            "min_wage": "", "min_increase_pct": "", "skilled_worker_clause": "是", "wage_system": "岗位绩效工资制"}
    base.update(values)
    cells = [""] * len(COLUMNS)
    for key, value in base.items():
        cells[POSITION[key]] = value
    return cells


def area_row(ref, uscc, **values):
    base = {"ref": ref, "kind": "区域性", "title": "城厢街道2025年区域性工资集体协议", "org_code": "T1",
            "employer_party": "城厢街道企业联合会", "uscc": uscc, "workers": 50, "avg_increase_pct": "",
            "min_wage": 2490, "min_increase_pct": 4}
    return row(**{**base, **values})


def numbered(rows):
    return list(enumerate([HEADERS, *rows], start=1))


def run(actor, rows, **kwargs):
    kwargs.setdefault("today", TODAY)
    return import_agreements(actor=actor, rows=numbered(rows), **kwargs)


def xlsx(rows, header=HEADERS):
    buffer = io.BytesIO()
    with XlsxStream(buffer) as book:
        sheet = book.sheet("协议", headers=header)
        for cells in rows:
            sheet.append(cells)
    return buffer.getvalue()


def problems(report):
    return {(e.row, e.column, e.code) for e in report.errors}


@pytest.fixture
def places(tree):
    """Enterprises beside the tree's: e1b (union1b, textiles) and e3 (town1 without a union, logistics)."""
    tree.enterprise1b = EnterpriseFactory(town=tree.town1, union=tree.union1b, industry=Industry.TEXTILES,
                                          headcount=80)
    tree.enterprise3 = EnterpriseFactory(town=tree.town1, union=None, industry=Industry.LOGISTICS, headcount=30)
    return tree


# --- the happy path ---------------------------------------------------------------------------

def test_single_area_and_industry_imported_at_the_stage_their_dates_show(places):
    t = places
    rows = [
        # 2: single, filed and published long ago → PUBLISHED
        row(ref="S-1", uscc=t.enterprise1.uscc, filed_on=D(2025, 3, 5), published_on=D(2025, 4, 3)),
        # 3-4: area agreement of town1 over two enterprises, never filed → SIGNED
        area_row("QY-1", t.enterprise1.uscc, signed_on=D(2026, 11, 20), starts_on=D(2027, 1, 1), term_years=3),
        area_row("QY-1", t.enterprise1b.uscc, signed_on=D(2026, 11, 20), starts_on=D(2027, 1, 1), term_years=3,
                 workers=80),
        # 5-6: industry agreement, filed 5 days ago → FILED
        row(ref="HY-1", kind="行业性", title="纺织行业工资集体协议", org_code="T1", employer_party="纺织行业协会",
            industry="TEXTILES", uscc=t.enterprise1.uscc, workers=60, avg_increase_pct="", min_wage="2,600",
            min_increase_pct="5%", signed_on=D(2026, 11, 20), starts_on=D(2026, 12, 1), filed_on=D(2026, 11, 25)),
        row(ref="HY-1", kind="行业性", title="纺织行业工资集体协议", org_code="T1", employer_party="纺织行业协会",
            industry="TEXTILES", uscc=t.enterprise1b.uscc, workers=40, avg_increase_pct="", min_wage="2,600",
            min_increase_pct="5%", signed_on=D(2026, 11, 20), starts_on=D(2026, 12, 1), filed_on=D(2026, 11, 25)),
        # 7: single of union1b, filed 20 days ago, not published → EFFECTIVE; no 协议编号, text dates
        row(org_code="U1B", uscc=t.enterprise1b.uscc, workers=80, signed_on="2026/11/01", starts_on="2026年11月1日",
            filed_on="2026-11-10", term_years="", skilled_worker_clause=""),
    ]
    report = run(t.town1_cadre, rows)
    assert report.ok and report.imported, [e.as_dict() for e in report.errors]
    assert (report.total_rows, report.agreements, report.workers) == (6, 4, 100 + 50 + 80 + 60 + 40 + 80)
    assert WageAgreement.objects.count() == 4 and Coverage.objects.count() == 6

    single = WageAgreement.objects.get(org=t.union1)
    assert single.stage == Stage.PUBLISHED and single.kind == AgreementKind.SINGLE
    assert single.effective_on == D(2025, 3, 21) and single.published_on == D(2025, 4, 3)
    assert single.offered_on == single.offer_received_on == single.signed_on == D(2025, 3, 1)
    assert single.replied_on is None and single.ends_on == D(2026, 3, 31)
    assert single.employer_party == t.enterprise1.name  # empty for 单建: the enterprise
    assert single.avg_increase_pct == Decimal("6.50") and single.skilled_worker_clause is True
    # The steps before signing were never recorded: skipped, not overdue; and it has expired, so
    # a renewal is no longer a deadline either.
    assert single.next_step == "" and single.next_due_on is None

    area = WageAgreement.objects.get(kind=AgreementKind.AREA)
    assert area.stage == Stage.SIGNED and area.org == t.town1 and area.filed_on is None
    assert area.ends_on == D(2029, 12, 31) and area.min_wage == Decimal("2490.00")
    assert sorted(area.coverages.values_list("enterprise__uscc", "workers")) == sorted(
        [(t.enterprise1.uscc, 50), (t.enterprise1b.uscc, 80)])
    assert area.next_step == "file" and area.next_due_on == D(2026, 11, 30)

    industry = WageAgreement.objects.get(kind=AgreementKind.INDUSTRY)
    assert industry.stage == Stage.FILED and industry.industry == Industry.TEXTILES
    assert industry.min_wage == Decimal("2600.00") and industry.min_increase_pct == Decimal("5.00")
    assert industry.effective_on is None and industry.coverages.count() == 2

    effective = WageAgreement.objects.get(org=t.union1b)
    assert effective.stage == Stage.EFFECTIVE and effective.effective_on == D(2026, 11, 26)
    assert effective.term_years == 1 and effective.skilled_worker_clause is False
    assert effective.next_step == "publish" and effective.next_due_on == D(2026, 12, 1)

    event = AuditEvent.objects.get(action="bargaining.import")
    assert event.org == t.town1 and event.object_type == "bargaining.Import"
    assert event.after["agreements"] == 4 and event.after["coverages"] == 6 and event.after["rows"] == 6
    assert event.after["by_stage"] == {"SIGNED": 1, "FILED": 1, "EFFECTIVE": 1, "PUBLISHED": 1}
    ids = sorted(WageAgreement.objects.values_list("pk", flat=True))
    assert sum(b - a + 1 for a, b in event.after["agreement_ids"]) == 4
    assert event.after["agreement_ids"][0][0] == ids[0]
    assert AuditEvent.objects.filter(action__startswith="bargaining.").count() == 1


def test_check_only_saves_nothing(tree):
    report = run(tree.union1_chair, [row(uscc=tree.enterprise1.uscc)], check_only=True)
    assert report.ok and not report.imported and report.agreements == 1
    assert not WageAgreement.objects.exists() and not AuditEvent.objects.filter(action="bargaining.import").exists()


def test_objection_period_boundary(tree):
    # Filed 16 days ago: took effect today (objections were possible until yesterday). Filed 15 days
    # ago: an objection may still come today, so still filed.
    effective = run(tree.union1_chair, [row(uscc=tree.enterprise1.uscc, signed_on=D(2026, 11, 10),
                                            starts_on=D(2026, 11, 10), filed_on=D(2026, 11, 14))])
    assert effective.imported
    assert WageAgreement.objects.get().stage == Stage.EFFECTIVE
    WageAgreement.objects.all().delete()
    filed = run(tree.union1_chair, [row(uscc=tree.enterprise1.uscc, signed_on=D(2026, 11, 10),
                                        starts_on=D(2026, 11, 10), filed_on=D(2026, 11, 15))])
    assert filed.imported and WageAgreement.objects.get().stage == Stage.FILED


# --- every problem, with its row and column ------------------------------------------------------

def test_every_row_problem_reported_and_nothing_saved(places):
    t = places
    e1, e1b, e3 = t.enterprise1.uscc, t.enterprise1b.uscc, t.enterprise3.uscc
    rng = random.Random(7)
    unknown_uscc = make_uscc(rng)
    existing = negotiation(actor=t.union1_chair, org=t.union1, enterprise=t.enterprise1, stage=Stage.SIGNED)
    rows = [
        row(uscc=e1, signed_on=D(2024, 3, 1), starts_on=D(2024, 3, 1)),           # 2 valid
        row(org_code="NOPE", uscc=e1),                                            # 3 unknown union
        row(org_code="U2", uscc=t.enterprise2.uscc),                              # 4 other town's union
        row(org_code="T1", uscc=e1),                                              # 5 town cannot sign 单建
        row(uscc=unknown_uscc),                                                   # 6 unregistered USCC
        row(uscc="91330109MA2B12340X"),                                           # 7 bad check digit
        row(org_code="U1", uscc=t.enterprise2.uscc, signed_on=D(2023, 1, 1),
            starts_on=D(2023, 1, 1)),                                             # 8 enterprise out of scope
        row(uscc=e1, workers=500, signed_on=D(2022, 1, 1), starts_on=D(2022, 1, 1)),  # 9 over headcount
        row(uscc=e1, workers=0, signed_on=D(2021, 1, 1), starts_on=D(2021, 1, 1)),    # 10 no workers
        row(uscc=e1, workers=2.5, signed_on=D(2020, 1, 1), starts_on=D(2020, 1, 1)),  # 11 not whole
        row(uscc=e1, signed_on=D(2019, 5, 1), starts_on=D(2019, 4, 1),
            filed_on=D(2019, 4, 20)),                                             # 12 starts/filed before signed
        row(uscc=e1, signed_on=D(2026, 12, 25), starts_on=D(2027, 1, 1)),         # 13 signed in the future
        row(uscc=e1, signed_on="2019-02-30", starts_on=D(2019, 3, 1), term_years=4),  # 14 bad date, term
        row(uscc=e1, signed_on=D(2018, 1, 1), starts_on=D(2018, 1, 1), avg_increase_pct=150),  # 15 percent
        row(uscc=e1, signed_on=D(2017, 1, 1), starts_on=D(2017, 1, 1), published_on=D(2017, 2, 1)),  # 16 no filing
        row(uscc=e1, signed_on=D(2026, 11, 20), starts_on=D(2026, 12, 1), filed_on=D(2026, 11, 25),
            published_on=D(2026, 11, 26)),                                       # 17 published before effective
        row(org_code="U1", uscc=e1b, signed_on=D(2016, 1, 1), starts_on=D(2016, 1, 1)),  # 18 not own enterprise
        area_row("QY-1", e1),                                                     # 19 area, fine
        area_row("QY-1", e1),                                                     # 20 same enterprise again
        area_row("QY-1", e1b, min_wage=2600),                                     # 21 disagrees with row 19
        area_row("QY-2", e1, signed_on=D(2025, 6, 1), min_wage="", min_increase_pct=""),  # 22 no minimum terms
        row(ref="S-9", uscc=e1, signed_on=D(2015, 1, 1), starts_on=D(2015, 1, 1)),  # 23 single, two rows
        row(ref="S-9", uscc=e1b, signed_on=D(2015, 1, 1), starts_on=D(2015, 1, 1)),  # 24
        row(uscc=e1, signed_on=existing.signed_on, starts_on=existing.starts_on),  # 25 already recorded
        row(uscc=e1, signed_on=D(2024, 3, 1), starts_on=D(2024, 3, 1)),           # 26 same as row 2
        row(ref="HY-1", kind="行业性", org_code="T1", employer_party="物流协会", industry="纺织化纤",
            uscc=e3, avg_increase_pct="", min_wage=2500, min_increase_pct=3),      # 27 wrong industry
        row(ref="HY-2", kind="行业性", org_code="U1", employer_party="行业协会", industry="",
            uscc=e1, avg_increase_pct="", min_wage=2500, min_increase_pct=3),      # 28 no industry, wrong party
        row(kind="协商", uscc=e1),                                                 # 29 unknown kind
        row(title="=HYPERLINK(\"http://x\")", uscc=e1, signed_on=D(2014, 1, 1), starts_on=D(2014, 1, 1)),  # 30
        area_row("", e1, signed_on=D(2025, 7, 1)),                                 # 31 area without a number
        area_row("QY-3", e1b, org_code="U1", signed_on=D(2025, 8, 1), employer_party="",
                 skilled_worker_clause="可能"),                                    # 32 grassroots area: outside
        row(ref=importing.EXAMPLE_REF, uscc=e1, signed_on=D(2013, 1, 1), starts_on=D(2013, 1, 1)),  # 33
        row(uscc=e1, signed_on=D(2012, 1, 1), starts_on=D(2012, 1, 1), wage_system="", avg_increase_pct=""),  # 34
    ]
    before = WageAgreement.objects.count()
    report = run(t.town1_cadre, rows)
    assert not report.ok and not report.imported
    assert WageAgreement.objects.count() == before and not AuditEvent.objects.filter(action="bargaining.import")
    found = problems(report)
    H = HEADER
    expected = {
        (3, H["org_code"], "org_not_found"),
        (4, H["org_code"], "org_not_found"),
        (5, H["org_code"], "wrong_party"),
        (6, H["uscc"], "enterprise_not_found"),
        (7, H["uscc"], "bad_uscc"),
        (8, H["uscc"], "enterprise_not_found"),
        (9, H["workers"], "coverage_over_headcount"),
        (10, H["workers"], "out_of_range"),
        (11, H["workers"], "bad_number"),
        (12, H["starts_on"], "date_order"),
        (12, H["filed_on"], "date_order"),
        (13, H["signed_on"], "date_in_future"),
        (14, H["signed_on"], "bad_date"),
        (14, H["term_years"], "out_of_range"),
        (15, H["avg_increase_pct"], "out_of_range"),
        (16, H["published_on"], "publish_needs_filing"),
        (17, H["published_on"], "publish_before_effective"),
        (18, H["uscc"], "coverage_not_own"),
        (20, H["uscc"], "coverage_twice"),
        (21, H["min_wage"], "disagrees"),
        (22, H["min_wage"], "terms_incomplete"),
        (22, H["min_increase_pct"], "terms_incomplete"),
        (24, H["ref"], "single_one_enterprise"),
        (25, H["signed_on"], "already_recorded"),
        (26, H["signed_on"], "duplicate_in_file"),
        (27, H["uscc"], "coverage_industry"),
        (28, H["industry"], "required"),
        (28, H["org_code"], "wrong_party"),
        (29, H["kind"], "bad_kind"),
        (30, H["title"], "formula"),
        (31, H["ref"], "ref_required"),
        (32, H["uscc"], "coverage_outside"),
        (32, H["employer_party"], "required"),
        (32, H["skilled_worker_clause"], "bad_choice"),
        (33, H["ref"], "example_row"),
        (34, H["wage_system"], "terms_incomplete"),
        (34, H["avg_increase_pct"], "terms_incomplete"),
    }
    assert expected <= found, sorted(expected - found)
    assert not any(e.row in (2, 19, 23) for e in report.errors), [e.as_dict() for e in report.errors if
                                                                  e.row in (2, 19, 23)]
    assert report.invalid_rows == len({r for r, _c, _k in found})
    by = {(e.row, e.code): e for e in report.errors}
    # Specific, actionable messages naming the row the problem refers to.
    assert "row 19" in by[(21, "disagrees")].message and "QY-1" in by[(21, "disagrees")].message
    assert "row 19" in by[(20, "coverage_twice")].message
    assert "row 2" in by[(26, "duplicate_in_file")].message
    assert "“2019-02-30” is not a date" in by[(14, "bad_date")].message
    assert "headcount" in by[(9, "coverage_over_headcount")].message
    assert by[(9, "coverage_over_headcount")].value == "500"
    assert existing.title in by[(25, "already_recorded")].message


def test_out_of_scope_union_reads_as_not_found(tree):
    """town1's cadre giving union2's code gets the answer an unknown code gets: no probing."""
    rows = [row(org_code="U2", uscc=tree.enterprise2.uscc), row(org_code="NOPE", uscc=tree.enterprise1.uscc)]
    report = run(tree.town1_cadre, rows)
    first, second = [e for e in report.errors if e.column == HEADER["org_code"]]
    assert first.code == second.code == "org_not_found"
    assert first.message.replace("U2", "X") == second.message.replace("NOPE", "X")
    assert "丙企业工会" not in first.message
    # The enterprise of another town is "not registered in your area", same as an unknown code.
    uscc_error = next(e for e in report.errors if e.row == 2 and e.column == HEADER["uscc"])
    assert uscc_error.code == "enterprise_not_found" and tree.enterprise2.name not in uscc_error.message
    # The same row imports for the town that holds union2.
    assert run(tree.town2_cadre, [row(org_code="U2", uscc=tree.enterprise2.uscc)]).imported


def test_union_chair_imports_only_for_their_union(tree):
    chair = tree.union1_chair
    assert run(chair, [row(org_code="U1B", uscc=tree.enterprise1.uscc)]).errors[0].code == "org_not_found"
    assert run(chair, [row(uscc=tree.enterprise1.uscc)]).imported


def test_member_cannot_call_the_service(tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(tree.member_user, [row(uscc=tree.enterprise1.uscc)])


def test_workers_within_headcount_across_an_area_agreement(places):
    t = places
    ok = run(t.town1_cadre, [area_row("QY", t.enterprise1.uscc, workers=120),
                             area_row("QY", t.enterprise3.uscc, workers=30)])
    assert ok.imported
    assert WageAgreement.objects.get().coverages.count() == 2


# --- the file as a whole -------------------------------------------------------------------------

def test_file_problems(tree):
    empty = import_agreements(actor=tree.town1_cadre, rows=[])
    assert empty.file_errors and "empty" in empty.file_errors[0]
    only_header = import_agreements(actor=tree.town1_cadre, rows=numbered([]))
    assert only_header.file_errors and "no agreements" in only_header.file_errors[0]
    partial = import_agreements(actor=tree.town1_cadre, rows=[(1, ["协议编号", "协议类型", "随便"])])
    assert "missing" in partial.file_errors[0] and "工会组织代码" in partial.file_errors[0]
    twice = import_agreements(actor=tree.town1_cadre, rows=[(1, [*HEADERS, "协议类型"])])
    assert "appears twice" in twice.file_errors[0]
    # Full-width brackets and a different column order are accepted.
    header = [h.replace("(", "（").replace(")", "）") for h in reversed(HEADERS)]
    report = import_agreements(actor=tree.town1_cadre, today=TODAY,
                               rows=[(1, header), (2, list(reversed(row(uscc=tree.enterprise1.uscc))))])
    assert report.imported, report.errors


# --- pages ---------------------------------------------------------------------------------------

URL = "/bargaining/import/"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(content, name="agreements.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize("user, status", [
    ("district_staff", 200), ("town1_cadre", 200), ("union1_chair", 200), ("union1_staff", 200),
    ("member_user", 403), ("outsider", 403),
])
def test_permission_matrix(client, tree, user, status):
    assert reverse("bargaining:import") == URL
    client.force_login(getattr(tree, user))
    assert client.get(URL).status_code == status
    assert client.get(reverse("bargaining:import_template")).status_code == status
    assert client.get(reverse("bargaining:import_errors")).status_code == status
    response = client.post(URL, {"file": upload(xlsx([row(uscc=tree.enterprise1.uscc)]))})
    assert response.status_code == (status if status == 403 else 200)
    assert WageAgreement.objects.exists() == (status == 200)


def test_anonymous_is_sent_to_sign_in(client, tree):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_page_imports_a_file(client, tree):
    client.force_login(tree.union1_chair)
    page = client.get(URL)
    assert b'enctype="multipart/form-data"' in page.content and reverse("bargaining:import_template").encode() \
        in page.content
    response = client.post(URL, {"file": upload(xlsx([row(uscc=tree.enterprise1.uscc, filed_on=D(2025, 3, 5))]))})
    assert response.status_code == 200
    assert "1 agreement was imported" in response.content.decode()
    assert WageAgreement.objects.get().stage == Stage.EFFECTIVE


def test_page_check_only(client, tree):
    client.force_login(tree.union1_chair)
    response = client.post(URL, {"file": upload(xlsx([row(uscc=tree.enterprise1.uscc)])), "check_only": "on"})
    assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    assert not WageAgreement.objects.exists()


def test_page_shows_the_report_and_the_errors_download(client, tree):
    client.force_login(tree.town1_cadre)
    rows = [row(uscc=tree.enterprise1.uscc), row(org_code="U2", uscc=tree.enterprise1.uscc, signed_on=D(2024, 1, 1),
                                                 starts_on=D(2024, 1, 1))]
    response = client.post(URL, {"file": upload(xlsx(rows))})
    html = response.content.decode()
    assert response.status_code == 400 and "Nothing was imported" in html
    assert "工会组织代码" in html and "No union with the code “U2” exists in your area." in html
    assert not WageAgreement.objects.exists()
    download = client.get(reverse("bargaining:import_errors"))
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    sheet = [cells for _n, cells in read_rows(b"".join(download.streaming_content))]
    assert sheet[0] == ["Row", "Column", "Value", "Problem"]
    assert sheet[1][:3] == [3.0, "工会组织代码", "U2"] or sheet[1][:3] == [3, "工会组织代码", "U2"]


@pytest.mark.parametrize("content, name, message", [
    (b"name,code\n", "agreements.xlsx", "not an Excel workbook"),
    (b"", "agreements.xlsx", "The submitted file is empty"),
    (b"%PDF-1.4", "agreements.pdf", "Only Excel workbooks"),
])
def test_page_refuses_files_that_are_not_workbooks(client, tree, content, name, message):
    client.force_login(tree.town1_cadre)
    response = client.post(URL, {"file": upload(content, name)})
    assert response.status_code == 400 and message in response.content.decode()
    assert not WageAgreement.objects.exists()


def test_page_reports_missing_columns(client, tree):
    client.force_login(tree.town1_cadre)
    content = xlsx([["A", "单建"]], header=["协议编号", "协议类型"])
    response = client.post(URL, {"file": upload(content)})
    html = response.content.decode()
    assert response.status_code == 400 and "missing" in html and "企业统一社会信用代码" in html


def test_page_refuses_an_oversized_upload(client, tree, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(tree.town1_cadre)
    response = client.post(URL, {"file": upload(b"PK\x03\x04" + b"0" * 200_000)})
    assert response.status_code == 413 and "larger than" in response.content.decode()


def test_template_has_the_headers_and_an_example_row(client, tree):
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("bargaining:import_template"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = list(read_rows(content))
    assert sheet[0][1] == HEADERS and sheet[1][1][0] == importing.EXAMPLE_REF
    # Uploading the template unchanged says what to do with the example row.
    report = import_agreements(actor=tree.town1_cadre, rows=sheet, today=TODAY)
    assert any(e.row == 2 and e.code == "example_row" for e in report.errors)


# --- size ----------------------------------------------------------------------------------------

def test_three_thousand_rows(tree):
    """100 single agreements (one per union) and 29 area agreements of 100 enterprises each."""
    rng = random.Random(3000)
    unions = [add_org(tree.town1, f"企业{i}工会", OrgLevel.GRASSROOTS, code=f"BU{i:03d}") for i in range(100)]
    singles = Enterprise.objects.bulk_create([
        Enterprise(name=f"单建企业{i}", uscc=make_uscc(rng), industry=Industry.TEXTILES, headcount=200,
                   town=tree.town1, union=u) for i, u in enumerate(unions)])
    members = Enterprise.objects.bulk_create([
        Enterprise(name=f"区域企业{i}", uscc=make_uscc(rng), industry=Industry.SERVICES, headcount=50,
                   town=tree.town1) for i in range(2900)])
    rows = [row(org_code=f"BU{i:03d}", uscc=e.uscc, workers=150, filed_on=D(2025, 3, 5),
                published_on=D(2025, 4, 1)) for i, e in enumerate(singles)]
    for n in range(29):
        signed = D(2020, 1, 1) + datetime.timedelta(days=n)
        rows += [area_row(f"QY-{n}", e.uscc, workers=40, signed_on=signed, starts_on=signed)
                 for e in members[n * 100:(n + 1) * 100]]
    content = xlsx(rows)
    started = time.perf_counter()
    report = importing.import_file(actor=tree.town1_cadre, fileobj=io.BytesIO(content), source_name="big.xlsx",
                                   today=TODAY)
    seconds = time.perf_counter() - started
    assert report.imported, [e.as_dict() for e in report.errors[:5]]
    assert (report.total_rows, report.agreements) == (3000, 129)
    assert WageAgreement.objects.count() == 129 and Coverage.objects.count() == 3000
    assert WageAgreement.objects.filter(stage=Stage.PUBLISHED).count() == 100
    assert WageAgreement.objects.filter(stage=Stage.SIGNED).count() == 29
    print(f"\n3,000 rows: {seconds:.2f}s with reading ({3000 / seconds:.0f} rows/s), "
          f"service {report.seconds:.2f}s ({report.rows_per_second:.0f} rows/s)")
    # A second upload of the same file imports nothing: every agreement is already recorded.
    again = importing.import_file(actor=tree.town1_cadre, fileobj=io.BytesIO(content), today=TODAY)
    assert not again.imported and again.error_count == 129
    assert {e.code for e in again.errors} == {"already_recorded"}


def test_today_is_the_local_date_by_default(tree):
    signed = timezone.localdate() - datetime.timedelta(days=40)
    report = import_agreements(actor=tree.union1_chair, rows=numbered([row(
        uscc=tree.enterprise1.uscc, signed_on=signed, starts_on=signed, filed_on=signed)]))
    assert report.imported and WageAgreement.objects.get().stage == Stage.EFFECTIVE


@pytest.mark.parametrize("values, column, code", [
    ({"avg_wage": "1e30"}, "avg_wage", "out_of_range"),
    ({"min_wage": "1E+40"}, "min_wage", "out_of_range"),
    ({"workers": 10 ** 20}, "workers", "out_of_range"),
    ({"starts_on": D(9999, 12, 31)}, "starts_on", "start_too_late"),
])
def test_absurd_values_are_reported_not_a_crash(tree, values, column, code):
    report = run(tree.union1_chair, [row(uscc=tree.enterprise1.uscc, **values)])
    assert not report.ok and not WageAgreement.objects.exists()
    header = importing.COLUMN_BY_KEY[column].header
    assert (header, code) in [(e.column, e.code) for e in report.errors], [e.as_dict() for e in report.errors]
