"""The .xlsx export: the current filtered list, in scope only, formula injection neutralised."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.orgs.models import Industry


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_has_the_visible_filtered_rows_and_neutralised_formulas(tree, client):
    EnterpriseFactory(town=tree.town1, union=tree.union1, name='=HYPERLINK("http://evil.example","x")',
                      industry=Industry.LOGISTICS, headcount=42, above_scale=False, address="+86 东路1号")
    EnterpriseFactory(town=tree.town1, name="@SUM(A1)", industry=Industry.LOGISTICS, headcount=7)
    EnterpriseFactory(town=tree.town1, name="普通物流公司", industry=Industry.SERVICES)
    client.force_login(tree.town1_cadre)

    rows = _rows(client.get(reverse("orgs:enterprise_export")))
    header, body = rows[0], rows[1:]
    assert len(header) == 9 and header[0]  # the last column: the district top-100 flag
    # In scope only: town1's four enterprises, never town2's.
    names = {r[0] for r in body}
    assert len(body) == 4 and tree.enterprise2.name not in names and tree.enterprise1.name in names
    evil = next(r for r in body if "HYPERLINK" in r[0])
    assert evil[0] == '\'=HYPERLINK("http://evil.example","x")'
    assert evil[3] == 42 and evil[6] == tree.union1.name and evil[7] == "'+86 东路1号"
    assert "'@SUM(A1)" in names

    # The current filters apply.
    rows = _rows(client.get(reverse("orgs:enterprise_export"), {"industry": Industry.LOGISTICS}))
    assert {r[0] for r in rows[1:]} == {'\'=HYPERLINK("http://evil.example","x")', "'@SUM(A1)"}
    rows = _rows(client.get(reverse("orgs:enterprise_export"), {"q": tree.enterprise1.uscc}))
    assert [r[1] for r in rows[1:]] == [tree.enterprise1.uscc]


def test_export_cells_are_text_not_formulas(tree, client):
    EnterpriseFactory(town=tree.town1, name="=1+2")
    client.force_login(tree.town1_cadre)
    data = b"".join(client.get(reverse("orgs:enterprise_export")).streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    target = next(c for c in cells if "1+2" in str(c.value))
    assert target.value == "'=1+2" and target.data_type == "s"


def test_export_link_carries_the_current_filters(tree, client):
    client.force_login(tree.town1_cadre)
    html = client.get(reverse("orgs:enterprise_list"), {"industry": "LOGISTICS", "has_union": "yes"}).content.decode()
    assert reverse("orgs:enterprise_export") + "?industry=LOGISTICS&amp;has_union=yes" in html
