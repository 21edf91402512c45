"""Row rules of the member import: every problem reported with the Excel row number, the column
header and a reason, and nothing saved while checking."""

import datetime
import random

import pytest
from django.utils import translation

from gonghui.core.excel import read_rows, safe_cell
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.core.testing.identifiers import make_id_number, make_uscc
from gonghui.members.importing import HEADERS, check_rows, import_rows
from gonghui.members.models import Membership, MembershipStatus, Person
from gonghui.members.tests.import_samples import row, sample_rows, write_xlsx, xlsx_bytes

rng = random.Random(42)


def ids(n):
    seen = []
    while len(seen) < n:
        number = make_id_number(rng, region="341221")
        if number not in seen:
            seen.append(number)
    return seen


def by_row(report):
    result = {}
    for e in report.errors:
        result.setdefault(e.row, []).append(e)
    return result


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_bad_rows_each_reported_with_row_column_and_reason(tree):
    a, b, c, d, e, f, g, h, i, j = ids(10)
    existing = tree.member(tree.union2, id_number=j)  # already a member in town2
    bad_check = a[:-1] + ("0" if a[-1] != "0" else "1")
    rows = [
        HEADERS,
        row("好人", b, org_code="U1"),                               # 2 valid
        row("错号", bad_check, org_code="U1"),                        # 3 bad check digit
        row("甲", c, org_code="U1"),                                  # 4 duplicate of row 6
        row("", d, org_code="U1"),                                    # 5 empty name
        row("乙", c, org_code="U1"),                                  # 6 duplicate of row 4
        row("丙", e, org_code="U1", joined_on="2024-13-45"),          # 7 wrong date
        row("=cmd|' /C calc'!A0", f, org_code="U1"),                  # 8 formula injection
        row("丁", g, org_code="NOPE"),                                # 9 unknown union code
        row("戊", h, org_code="U2"),                                  # 10 union outside town1
        row("己", j, org_code="U1"),                                  # 11 already a member (DB)
        row("庚", i, org_code="U1", phone="@SUM(1+1)"),               # 12 formula in phone
    ]
    report = check_rows(actor=tree.town1_cadre, rows=rows, target=tree.town1)
    errors = by_row(report)
    assert report.total_rows == 11
    assert report.valid_rows == 1 and report.invalid_rows == 10
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]

    def only(row_number, column, contains):
        found = [x for x in errors[row_number] if x.column == column]
        assert found, (row_number, column, errors[row_number])
        assert contains in found[0].message, found[0].message
        return found[0]

    err = only(3, "身份证号", "check digit")
    assert err.value == bad_check[:6] + "********" + bad_check[-4:]  # masked
    only(4, "身份证号", "appears again in row 6")
    only(6, "身份证号", "already in row 4")
    only(5, "姓名", "name is empty")
    only(7, "入会日期", "is not a date")
    assert only(8, "姓名", "formula").value == "=cmd|' /C calc'!A0"
    only(9, "所属工会编码", "No union with the code “NOPE”")
    only(10, "所属工会编码", "No union with the code “U2”")
    only(11, "身份证号", f"already a member of {tree.union2.name}")
    assert only(12, "手机号", "formula").value.startswith("@S")
    # Nothing saved.
    assert Person.objects.count() == 1 and Membership.objects.count() == 1
    assert existing.status == MembershipStatus.ACTIVE


def test_union_rules_for_a_single_union_target(tree):
    a, b, c, d = ids(4)
    other_enterprise = tree.enterprise2
    unknown_uscc = make_uscc(rng)
    rows = [
        HEADERS,
        row("甲", a),                                                   # 2 default union
        row("乙", b, org_code="U1B"),                                   # 3 another union than the target
        row("丙", c, uscc=other_enterprise.uscc),                       # 4 enterprise of another union
        row("丁", d, uscc=unknown_uscc),                                 # 5 unknown enterprise
    ]
    report = check_rows(actor=tree.union1_chair, rows=rows, target=tree.union1)
    errors = by_row(report)
    assert sorted(errors) == [3, 4, 5]
    assert errors[3][0].column == "所属工会编码" and "No union with the code “U1B”" in errors[3][0].message
    assert errors[4][0].column == "工作单位统一社会信用代码" and "does not belong to" in errors[4][0].message
    assert other_enterprise.name not in errors[4][0].message  # may be outside the importer's scope
    assert "No enterprise" in errors[5][0].message


def test_org_code_required_when_importing_into_a_town(tree):
    (a,) = ids(1)
    report = check_rows(actor=tree.town1_cadre, rows=[HEADERS, row("甲", a)], target=tree.town1)
    assert report.errors[0].column == "所属工会编码"
    assert "Give the code" in report.errors[0].message


def test_not_a_grassroots_union(tree):
    (a,) = ids(1)
    report = check_rows(actor=tree.district_staff, rows=[HEADERS, row("甲", a, org_code="T1")], target=tree.district)
    assert "not an active grassroots union" in report.errors[0].message


def test_enterprise_of_the_union_accepted_and_choices_by_label_or_code(tree):
    a, b = ids(2)
    rows = [HEADERS,
            row("甲", a, uscc=tree.enterprise1.uscc, education="Bachelor's degree", skill="LEVEL3", migrant="否"),
            row("乙", b, education="BACHELOR", skill="Senior worker (level 3)", province="安徽")]
    result = import_rows(actor=tree.union1_chair, rows=rows, union=tree.union1)
    assert result.ok, result.errors
    m = Membership.objects.select_related("person", "enterprise").get(person__name="甲")
    assert m.enterprise == tree.enterprise1 and m.union == tree.union1
    assert m.person.education == "BACHELOR" and m.person.skill_level == "LEVEL3" and m.person.is_migrant is False
    p = Person.objects.get(name="乙")
    assert p.hometown_province == "安徽省" and p.is_migrant is True and p.skill_level == "LEVEL3"


def test_unknown_choice_reported(tree):
    (a,) = ids(1)
    report = check_rows(actor=tree.union1_chair, rows=[HEADERS, row("甲", a, education="博士后")], target=tree.union1)
    assert report.errors[0].column == "文化程度" and "博士后" in report.errors[0].message


def test_id_number_stored_as_a_number_is_explained(tree, tmp_path):
    (a,) = ids(1)
    path = tmp_path / "numbers.xlsx"
    write_xlsx(str(path), [HEADERS, row("甲", a)], raw_ids_as_numbers=True)
    report = check_rows(actor=tree.union1_chair, rows=read_rows(str(path)), target=tree.union1)
    assert report.errors[0].column == "身份证号" and "Format the column as Text" in report.errors[0].message


def test_row_numbers_match_excel_with_blank_rows_before_and_between(tree, tmp_path):
    a, b = ids(2)
    import xlsxwriter

    path = tmp_path / "blank.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    for col, header in enumerate(HEADERS):
        ws.write_string(2, col + 1, header)  # header in row 3, starting in column B
    ws.write_row(3, 1, row("甲", a)[:9])
    ws.write_row(6, 1, row("", b)[:9])  # row 7, after two blank rows
    book.close()
    report = check_rows(actor=tree.union1_chair, rows=read_rows(str(path)), target=tree.union1)
    assert report.total_rows == 2
    assert [(e.row, e.column) for e in report.errors] == [(7, "姓名")]


def test_missing_header_is_a_file_error(tree):
    report = check_rows(actor=tree.union1_chair, rows=[["名字", "号码"], ["甲", "1"]], target=tree.union1)
    assert report.file_errors and "身份证号" in report.file_errors[0]


def test_plus86_phone_is_not_a_formula(tree):
    (a,) = ids(1)
    result = import_rows(actor=tree.union1_chair, rows=[HEADERS, row("甲", a, phone="+86 138 1234 5678")],
                         union=tree.union1)
    assert result.ok
    assert Person.objects.get(name="甲").phone() == "13812345678"


def test_rejoining_person_gets_a_new_period(tree):
    (a,) = ids(1)
    old = tree.member(tree.union2, id_number=a)
    old.status, old.ended_on = MembershipStatus.LEFT, datetime.date(2023, 1, 1)
    old.save()
    result = import_rows(actor=tree.union1_chair, rows=[HEADERS, row("新名", a, phone="")], union=tree.union1)
    assert result.ok and result.rejoined == 1 and result.new_persons == 0
    person = Person.objects.get(pk=old.person_id)
    assert person.name == "新名" and person.phone()  # the phone on file is kept
    assert person.memberships.filter(status=MembershipStatus.ACTIVE, union=tree.union1, join_kind="REJOIN").exists()
    # both periods are found under the new name (the search columns follow the person)
    assert set(person.memberships.values_list("person_name", "person_initials")) == {("新名", "xm")}


def test_imported_rows_are_stored_like_a_registration(tree):
    rows = sample_rows(30, seed=5)
    result = import_rows(actor=tree.union1_chair, rows=rows, union=tree.union1)
    assert result.ok and result.imported == 30 and result.new_persons == 30
    first = rows[1]
    person = Person.objects.get(id_number_masked=first[1][:6] + "********" + first[1][-4:])
    assert person.id_number() == first[1] and person.phone() == first[2]
    assert person.id_number_enc != first[1]  # encrypted at rest
    assert person.name == first[0] and person.name_initials
    membership = person.memberships.get()
    assert membership.joined_on == first[9] and membership.union == tree.union1
    assert membership.created_at is not None


def test_calamine_roundtrip_keeps_cells(tree):
    data = xlsx_bytes([HEADERS, row("=1+1", "x")])
    rows = list(read_rows(data))
    assert rows[0] == (1, HEADERS)
    assert rows[1][1][0] == "'=1+1"  # written formula-safe by our own writer
    assert safe_cell("-5") == "'-5" and safe_cell(5) == 5 and safe_cell("ok") == "ok"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_formula_prefixes_rejected_in_any_column(tree, value):
    (a,) = ids(1)
    report = check_rows(actor=tree.union1_chair, rows=[HEADERS, row("甲", a, province=value)], target=tree.union1)
    assert report.errors[0].column == "户籍省份" and "formula" in report.errors[0].message


def test_enterprise_factory_uscc_is_valid(tree):
    enterprise = EnterpriseFactory(town=tree.town1, union=tree.union1b)
    (a,) = ids(1)
    report = check_rows(actor=tree.town1_cadre, rows=[HEADERS, row("甲", a, org_code="U1B", uscc=enterprise.uscc)],
                        target=tree.town1)
    assert report.valid_rows == 1, report.errors


def test_run_import_file_checks_first_then_imports_valid_rows(tree, tmp_path):
    from gonghui.members.importing import run_import_file

    rows = sample_rows(10, seed=31)
    rows.append(row("", ids(1)[0]))
    path = tmp_path / "members.xlsx"
    write_xlsx(str(path), rows)
    result = run_import_file(actor=tree.union1_chair, path=str(path), union=tree.union1)
    assert result.ok and result.imported == 10 and result.invalid_rows == 1
    assert [(e.row, e.column) for e in result.errors] == [(12, "姓名")]
    assert result.rows_per_second > 0 and set(result.timings) == {"encrypt", "insert", "audit"}
    assert Membership.objects.filter(union=tree.union1).count() == 10


def test_single_pass_import_is_all_or_nothing(tree, tmp_path):
    from gonghui.members.importing import run_import_file

    rows = sample_rows(10, seed=32)
    rows.append(row("", ids(1)[0]))
    path = tmp_path / "members.xlsx"
    write_xlsx(str(path), rows)
    result = run_import_file(actor=tree.union1_chair, path=str(path), union=tree.union1, check_first=False)
    assert not result.ok and result.imported == 0
    assert [(e.row, e.column) for e in result.errors] == [(12, "姓名")]
    assert Person.objects.count() == 0
