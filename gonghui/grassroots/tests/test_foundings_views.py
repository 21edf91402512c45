"""The founding pages: lists with filters and a fixed number of queries, the guided form with
specific Chinese errors that save nothing, the detail with its steps and history, exports."""

import io

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from gonghui.grassroots.models import FoundingApplication, FoundingForm, FoundingStatus
from gonghui.grassroots.testing.foundings import TODAY, application, bare_enterprise, joint_union
from gonghui.orgs.models import Enterprise

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(user)
    return client


def _html(response):
    return response.content.decode()


def test_list_shows_masked_contacts_deadlines_and_filters(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1, name="甲乙丙有限公司"), FoundingStatus.SUBMITTED)
    application(tree.town2_cadre, bare_enterprise(tree.town2, name="外镇企业有限公司"), FoundingStatus.SUBMITTED)
    FoundingApplication.objects.filter(pk=a.pk).update(step_due_on=TODAY.replace(year=TODAY.year - 1))
    html = _html(_client(tree.town1_cadre).get("/grassroots/foundings/"))
    assert "甲乙丙有限公司" in html and "外镇企业有限公司" not in html
    assert "139****5678" in html and "13912345678" not in html
    assert 'class="badge text-bg-danger"' in html  # overdue flag
    html = _html(_client(tree.district_staff).get("/grassroots/foundings/?q=外镇"))
    assert "外镇企业有限公司" in html and "甲乙丙有限公司" not in html
    html = _html(_client(tree.district_staff).get("/grassroots/foundings/?due=overdue"))
    assert "甲乙丙有限公司" in html and "外镇企业有限公司" not in html


def test_bad_filters_never_fail(tree):
    client = _client(tree.district_staff)
    huge = "99999999999999999999"
    for query in ("year=abc", "org=999999", "status=NOPE", "after=-3", "due=x", "org=%00", f"org={huge}",
                  f"after={huge}"):
        assert client.get(f"/grassroots/foundings/?{query}").status_code == 200
    for query in ("page=abc", "page=999999", "town=abc", "size=huge", "sort=evil", f"town={huge}"):
        assert client.get(f"/grassroots/unorganised/?{query}").status_code == 200
    assert client.get(f"/grassroots/foundings/new/?enterprise={huge}").status_code == 404
    assert client.get(f"/grassroots/foundings/{huge}/").status_code == 404


@pytest.mark.parametrize("rows", [2, 12])
def test_list_pages_query_count_does_not_grow_with_rows(tree, rows, django_assert_max_num_queries):
    for n in range(rows):
        application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED if n % 2 else
                    FoundingStatus.DRAFT)
        bare_enterprise(tree.town2)
    client = _client(tree.district_staff)
    with django_assert_max_num_queries(16):
        assert client.get("/grassroots/foundings/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/grassroots/unorganised/").status_code == 200


def test_unorganised_list_sorts_by_headcount_summarises_towns_and_links_to_an_application(tree):
    big = bare_enterprise(tree.town1, name="大厂有限公司", headcount=900, top100=True)
    bare_enterprise(tree.town1, name="小店有限公司", headcount=8)
    bare_enterprise(tree.town2, name="北镇企业有限公司", headcount=60)
    html = _html(_client(tree.district_staff).get("/grassroots/unorganised/"))
    assert html.index("大厂有限公司") < html.index("北镇企业有限公司") < html.index("小店有限公司")
    assert 'id="towns-title"' in html and tree.town2.name in html
    assert f"/grassroots/foundings/new/?enterprise={big.pk}" in html
    html = _html(_client(tree.town1_cadre).get("/grassroots/unorganised/?sort=name&top100=on"))
    assert "大厂有限公司" in html and "小店有限公司" not in html and "北镇企业有限公司" not in html
    assert 'id="towns-title"' not in html  # one town: no per-town table


def test_the_guided_form_creates_and_submits(tree):
    ent = bare_enterprise(tree.town1, headcount=60)
    client = _client(tree.town1_cadre)
    page = client.get(f"/grassroots/foundings/new/?enterprise={ent.pk}")
    assert page.status_code == 200 and ent.name in _html(page)
    response = client.post(f"/grassroots/foundings/new/?enterprise={ent.pk}", {
        "enterprise": ent.pk, "applicant_kind": "ENTERPRISE", "contact_name": "周经理", "contact_phone": "13800001111",
        "members_count": "30", "form": "COMMITTEE", "meeting_on": "", "term_years": "", "submit_now": "1"})
    a = FoundingApplication.objects.get(enterprise=ent)
    assert response.status_code == 302 and response["Location"] == f"/grassroots/foundings/{a.pk}/"
    assert a.status == FoundingStatus.SUBMITTED and a.submitted_on == TODAY


def test_the_form_refuses_a_wrong_form_in_chinese_and_saves_nothing(tree):
    ent = bare_enterprise(tree.town1, headcount=60)
    client = _client(tree.town1_cadre)
    response = client.post(f"/grassroots/foundings/new/?enterprise={ent.pk}", {
        "enterprise": ent.pk, "applicant_kind": "WORKERS", "contact_name": "周", "contact_phone": "13800001111",
        "members_count": "10", "form": "COMMITTEE"})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = translation.gettext("A union committee needs at least %(min)s members; with %(n)s, choose a union "
                                       "organiser or joining a joint union.") % {"min": 25, "n": 10}
    assert expected in _html(response)
    assert not FoundingApplication.objects.exists()
    response = client.post(f"/grassroots/foundings/new/?enterprise={ent.pk}", {
        "enterprise": ent.pk, "applicant_kind": "WORKERS", "contact_name": "周", "contact_phone": "123",
        "members_count": "abc", "form": "JOINT", "joint_union": "99999999999999999999"})
    assert response.status_code == 200 and not FoundingApplication.objects.exists()


def test_an_enterprise_with_a_union_or_out_of_reach_is_404_on_the_form(tree):
    client = _client(tree.town1_cadre)
    assert client.get(f"/grassroots/foundings/new/?enterprise={tree.enterprise1.pk}").status_code == 404
    assert client.get(f"/grassroots/foundings/new/?enterprise={bare_enterprise(tree.town2).pk}").status_code == 404
    picker = client.get("/grassroots/foundings/new/?q=测试")
    assert picker.status_code == 200


def test_joint_union_choice_on_the_form_and_join_through_the_steps(tree):
    joint = joint_union(tree.town1)
    ent = bare_enterprise(tree.town1, headcount=15)
    client = _client(tree.town1_cadre)
    assert joint.name in _html(client.get(f"/grassroots/foundings/new/?enterprise={ent.pk}"))
    client.post(f"/grassroots/foundings/new/?enterprise={ent.pk}", {
        "enterprise": ent.pk, "applicant_kind": "WORKERS", "contact_name": "周", "contact_phone": "13800001111",
        "members_count": "12", "form": "JOINT", "joint_union": joint.pk, "submit_now": "1"})
    a = FoundingApplication.objects.get(enterprise=ent)
    assert a.form == FoundingForm.JOINT and a.status == FoundingStatus.SUBMITTED
    day = TODAY.isoformat()
    assert client.post(f"/grassroots/foundings/{a.pk}/review/", {"review-reviewed_on": day}).status_code == 302
    approve = {"approve-approved_on": day, "approve-decision_no": "萧工复〔2026〕3号"}
    assert client.post(f"/grassroots/foundings/{a.pk}/approve/", approve).status_code == 302
    assert Enterprise.objects.get(pk=ent.pk).union_id == joint.pk
    assert FoundingApplication.objects.get(pk=a.pk).status == FoundingStatus.JOINED


def test_detail_shows_steps_allowed_and_history(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    html = _html(_client(tree.town1_cadre).get(f"/grassroots/foundings/{a.pk}/"))
    assert f"/grassroots/foundings/{a.pk}/review/" in html and f"/grassroots/foundings/{a.pk}/return/" in html
    assert f"/grassroots/foundings/{a.pk}/register/" not in html
    assert 'id="history-title"' in html and "139****5678" in html
    assert "李主席" in html


def test_a_refused_step_shows_the_error_on_its_form(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    client = _client(tree.town1_cadre)
    response = client.post(f"/grassroots/foundings/{a.pk}/return/", {"return-returned_on": TODAY.isoformat(),
                                                                     "return-reason": ""})
    assert response.status_code == 400
    response = client.post(f"/grassroots/foundings/{a.pk}/review/", {"review-reviewed_on": "2001-01-01"})
    assert response.status_code == 400 and FoundingApplication.objects.get(pk=a.pk).status == FoundingStatus.SUBMITTED
    # a step the status does not allow: a warning, not an error page
    response = client.post(f"/grassroots/foundings/{a.pk}/submit/", {"submit-submitted_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert client.post(f"/grassroots/foundings/{a.pk}/nope/", {}).status_code == 404


def test_edit_a_returned_application(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.RETURNED)
    client = _client(tree.town1_cadre)
    assert client.get(f"/grassroots/foundings/{a.pk}/edit/").status_code == 200
    response = client.post(f"/grassroots/foundings/{a.pk}/edit/", {
        "applicant_kind": "WORKERS", "contact_name": "新联系人", "contact_phone": "13700002222", "members_count": "45",
        "form": "COMMITTEE"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.contact_name, a.members_count, a.contact_phone_masked) == ("新联系人", 45, "137****2222")
    submitted = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    assert client.get(f"/grassroots/foundings/{submitted.pk}/edit/").status_code == 302


def test_exports(tree):
    application(tree.town1_cadre, bare_enterprise(tree.town1, name="导出企业有限公司"), FoundingStatus.SUBMITTED)
    bare_enterprise(tree.town1, name="未建会导出有限公司", headcount=77)
    client = _client(tree.town1_cadre)
    response = client.get("/grassroots/foundings/export/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[1][1] == "导出企业有限公司" and "139****5678" in rows[1]
    response = client.get("/grassroots/unorganised/export/")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert ("未建会导出有限公司" in [r[0] for r in rows]) and len(rows) == 3  # header + 2 enterprises
    assert _client(tree.union1_chair).get(f"/grassroots/unorganised/export/?town={tree.town2.pk}").status_code == 404
