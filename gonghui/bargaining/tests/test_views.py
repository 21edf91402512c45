"""The pages: scope (404 outside), rights (403 without), forms that refuse bad input and save
nothing, and constant query counts on the lists."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.bargaining.models import AgreementKind, Stage, WageAgreement
from gonghui.bargaining.services import CoveredEnterprise
from gonghui.bargaining.testing import negotiation
from gonghui.core.testing.factories import EnterpriseFactory

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def own(tree):
    return negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.OFFERED)


@pytest.fixture
def other(tree):
    return negotiation(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2, stage=Stage.PUBLISHED)


@pytest.fixture
def area(tree):
    small = EnterpriseFactory(town=tree.town1, union=None, headcount=30)
    return negotiation(actor=tree.town1_cadre, org=tree.town1, kind=AgreementKind.AREA, stage=Stage.IN_TALKS,
                       coverage=[CoveredEnterprise(tree.enterprise1, 40), CoveredEnterprise(small, 20)])


# --- permission matrix: role × page × in/out of scope ------------------------------------------

PAGES = {
    "list": lambda a: reverse("bargaining:list"),
    "due": lambda a: reverse("bargaining:due"),
    "detail": lambda a: reverse("bargaining:detail", args=[a.pk]),
    "create": lambda a: reverse("bargaining:create"),
    "reply": lambda a: reverse("bargaining:step", args=[a.pk, "reply"]),
}

# user → {page: status for union1's own negotiation}
MATRIX = {
    "district_staff": {"list": 200, "due": 200, "detail": 200, "create": 200, "reply": 200},
    "town1_cadre": {"list": 200, "due": 200, "detail": 200, "create": 200, "reply": 200},
    # town2 has one grassroots union: the offer form opens on it directly.
    "town2_cadre": {"list": 200, "due": 200, "detail": 404, "create": 302, "reply": 404},
    "union1_chair": {"list": 200, "due": 200, "detail": 200, "create": 302, "reply": 200},
    "union1_staff": {"list": 200, "due": 200, "detail": 200, "create": 302, "reply": 200},
    "union2_chair": {"list": 200, "due": 200, "detail": 404, "create": 302, "reply": 404},
    "member_user": {"list": 403, "due": 403, "detail": 404, "create": 403, "reply": 404},
    "outsider": {"list": 403, "due": 403, "detail": 404, "create": 403, "reply": 404},
}


@pytest.mark.parametrize("user", MATRIX)
@pytest.mark.parametrize("page", PAGES)
def test_permission_matrix(client, tree, own, user, page):
    client.force_login(getattr(tree, user))
    assert client.get(PAGES[page](own)).status_code == MATRIX[user][page]


def test_anonymous_goes_to_sign_in(client, own):
    response = client.get(reverse("bargaining:detail", args=[own.pk]))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_out_of_scope_is_the_same_404_as_missing(client, tree, other):
    client.force_login(tree.union1_chair)
    hidden = client.get(reverse("bargaining:detail", args=[other.pk]))
    missing = client.get(reverse("bargaining:detail", args=[other.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404
    # The same page (its CSRF token and nonce differ per response, so compare what it says).
    assert hidden.templates[0].name == missing.templates[0].name == "404.html"
    assert hidden.context["exception"] == missing.context["exception"]


def test_covered_union_reads_the_area_agreement_but_cannot_act(client, tree, area):
    client.force_login(tree.union1_chair)
    assert client.get(reverse("bargaining:detail", args=[area.pk])).status_code == 200
    assert client.get(reverse("bargaining:step", args=[area.pk, "round"])).status_code == 403
    response = client.post(reverse("bargaining:step", args=[area.pk, "round"]),
                           {"held_on": "2026-04-01", "minutes": "x"})
    assert response.status_code == 403
    assert area.rounds.count() == 1


def test_list_shows_only_the_subtree(client, tree, own, other):
    client.force_login(tree.union1_chair)
    response = client.get(reverse("bargaining:list"))
    assert [a.pk for a in response.context["page"].items] == [own.pk]
    client.force_login(tree.district_staff)
    response = client.get(reverse("bargaining:list"), {"kind": "SINGLE", "stage": "PUBLISHED"})
    assert [a.pk for a in response.context["page"].items] == [other.pk]


def test_list_query_count_does_not_grow(client, tree, django_assert_max_num_queries):
    client.force_login(tree.district_staff)
    negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.PUBLISHED)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("bargaining:list"))
    for i in range(6):
        enterprise = EnterpriseFactory(town=tree.town2, union=tree.union2)
        start = datetime.date(2020 + i % 5, 3, 2)
        a = negotiation(actor=tree.union2_chair, org=tree.union2, enterprise=enterprise, stage=Stage.PUBLISHED,
                        start=start)
        WageAgreement.objects.filter(pk=a.pk).update(stage=Stage.PUBLISHED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("bargaining:list"))
    assert len(response.context["page"].items) == 7


def test_detail_query_count_does_not_grow_with_rows(client, tree, area, django_assert_max_num_queries):
    client.force_login(tree.town1_cadre)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("bargaining:detail", args=[area.pk]))
    for i in range(3):
        area.rounds.create(number=10 + i, held_on=datetime.date(2026, 4, 1), chaired_by="UNION", minutes="m")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("bargaining:detail", args=[area.pk]))


# --- forms -------------------------------------------------------------------------------------

def offer_post(tree, **extra):
    data = {"kind": "SINGLE", "org": tree.union1.pk, "title": "2027年工资协议", "employer_party": "甲企业",
            "offered_by": "UNION", "offered_on": "2026-11-02", "offer_received_on": "2026-11-03", "term_years": "1",
            "cover": [str(tree.enterprise1.pk)], f"workers_{tree.enterprise1.pk}": "30"}
    data.update(extra)
    return data


def test_union_chair_with_one_union_skips_the_party_question(client, tree):
    client.force_login(tree.union1_chair)
    response = client.get(reverse("bargaining:create"))
    assert response.status_code == 302
    assert f"org={tree.union1.pk}" in response["Location"]
    response = client.get(response["Location"])
    assert response.context["rows"][0]["checked"]


def test_create_records_the_offer(client, tree):
    tree.enterprise1.headcount = 100
    tree.enterprise1.save()
    client.force_login(tree.union1_chair)
    response = client.post(reverse("bargaining:create"), offer_post(tree))
    agreement = WageAgreement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("bargaining:detail", args=[agreement.pk])
    assert agreement.next_step == "reply" and agreement.next_due_on == datetime.date(2026, 11, 23)
    assert agreement.coverages.get().workers == 30


@pytest.mark.parametrize("change, field", [
    ({"cover": []}, None),                                          # nothing covered
    ({"offer_received_on": "2026-10-01"}, "offer_received_on"),     # received before sent
    ({"offered_on": "2099-01-01", "offer_received_on": "2099-01-01"}, "offered_on"),  # future
    ({"title": ""}, "title"),
])
def test_create_refuses_bad_input_and_saves_nothing(client, tree, change, field):
    tree.enterprise1.headcount = 100
    tree.enterprise1.save()
    client.force_login(tree.union1_chair)
    response = client.post(reverse("bargaining:create"), offer_post(tree, **change))
    assert response.status_code == 200
    form = response.context["offer_form"]
    assert form.errors
    if field:
        assert field in form.errors
    assert not WageAgreement.objects.exists()


def test_workers_over_headcount_names_the_enterprise(client, tree):
    tree.enterprise1.headcount = 20
    tree.enterprise1.save()
    client.force_login(tree.union1_chair)
    response = client.post(reverse("bargaining:create"), offer_post(tree))
    assert tree.enterprise1.name in str(response.context["offer_form"].errors)
    assert not WageAgreement.objects.exists()


def test_step_in_the_wrong_stage_redirects_with_a_warning(client, tree, own):
    client.force_login(tree.union1_chair)
    response = client.post(reverse("bargaining:step", args=[own.pk, "file"]), {"filed_on": "2026-04-01"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.stage == Stage.OFFERED and own.filed_on is None


def test_unknown_step_is_404(client, tree, own):
    client.force_login(tree.union1_chair)
    assert client.get(reverse("bargaining:step", args=[own.pk, "nonsense"])).status_code == 404


def test_representatives_form_reports_the_rule(client, tree, own):
    client.force_login(tree.union1_chair)
    response = client.post(reverse("bargaining:step", args=[own.pk, "representatives"]), {
        "union_reps": "甲\n乙\n丙", "employer_reps": "丁\n戊", "recorder_name": "记录员"})
    assert response.status_code == 200
    assert "representatives" not in response.context["form"].fields or response.context["form"].errors
    assert own.representatives.count() == 0


def test_signed_file_is_served_only_in_scope(client, tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.APPROVED)
    client.force_login(tree.union1_chair)
    response = client.post(reverse("bargaining:step", args=[agreement.pk, "sign"]), {
        "signed_on": agreement.votes.get().held_on.isoformat(), "starts_on": agreement.votes.get().held_on.isoformat(),
        "signed_file": SimpleUploadedFile("协议.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    url = reverse("bargaining:signed_file", args=[agreement.pk])
    download = client.get(url)
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(tree.union2_chair)
    assert client.get(url).status_code == 404


def test_due_page_lists_overdue_steps_of_the_subtree(client, tree, own, other):
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("bargaining:due"))
    assert [a.pk for a in response.context["due"]] == [own.pk]  # the reply was due in March
    client.force_login(tree.town2_cadre)
    response = client.get(reverse("bargaining:due"))
    assert own.pk not in [a.pk for a in response.context["due"]]


def test_due_page_reads_only_the_columns_it_draws(client, tree, own, django_assert_max_num_queries):
    """Up to 150 rows of a 50-column agreement: the page loads the columns it draws (title, step,
    dates, the union's name), and drawing them never reads a deferred column row by row."""
    client.force_login(tree.district_staff)
    url = reverse("bargaining:due")
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        response = client.get(url)
    [row] = response.context["due"]
    assert {"offer_points", "employer_party", "allowances"} <= row.get_deferred_fields()
    html = response.content.decode()
    assert own.title in html and tree.union1.name in html and reverse("bargaining:detail", args=[own.pk]) in html
    union1b_firm = EnterpriseFactory(town=tree.town1, union=tree.union1b)
    negotiation(actor=tree.district_staff, org=tree.union1b, enterprise=union1b_firm, stage=Stage.OFFERED,
                title="乙企业工资协商")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["due"]) == 2 and "乙企业工资协商" in response.content.decode()


def test_dashboard_counts_what_is_due_in_the_subtree(client, tree, own):
    client.force_login(tree.union1_chair)
    due = client.get("/").context["due"]
    assert [(d.overdue, d.soon, d.url) for d in due] == [(1, 0, reverse("bargaining:due"))]
    client.force_login(tree.union2_chair)
    assert client.get("/").context["due"] == []


@pytest.mark.parametrize("url", [
    "/bargaining/new/?kind=AREA&party_q=a%00b",
    "/bargaining/options/parties/?party_q=a%00b",
    "/bargaining/requests/new/?party_q=a%00b",
])
def test_nul_in_a_search_box_is_not_an_error(client, tree, url):
    client.force_login(tree.town1_cadre)
    assert client.get(url).status_code in (200, 302)


def test_nul_in_the_enterprise_search(client, tree):
    client.force_login(tree.town1_cadre)
    assert client.get(f"/bargaining/new/?kind=AREA&org={tree.town1.pk}&ent_q=a%00b").status_code == 200


def test_absurd_worker_numbers_are_refused_not_a_500(client, tree):
    tree.enterprise1.headcount = 0  # no headcount registered: nothing to compare with
    tree.enterprise1.save()
    client.force_login(tree.union1_chair)
    huge = {f"workers_{tree.enterprise1.pk}": "1" + "0" * 20}
    response = client.post(reverse("bargaining:create"), offer_post(tree, **huge))
    assert response.status_code == 200 and response.context["offer_form"].errors
    assert not WageAgreement.objects.exists()


def test_a_start_date_years_after_signing_is_refused(client, tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.APPROVED)
    day = agreement.votes.get().held_on.isoformat()
    client.force_login(tree.union1_chair)
    response = client.post(reverse("bargaining:step", args=[agreement.pk, "sign"]),
                           {"signed_on": day, "starts_on": "9999-12-31"})
    assert response.status_code == 200 and "starts_on" in response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.stage == Stage.APPROVED


def test_the_stored_name_of_a_signed_file_comes_from_its_content(client, tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.APPROVED)
    day = agreement.votes.get().held_on.isoformat()
    client.force_login(tree.union1_chair)
    client.post(reverse("bargaining:step", args=[agreement.pk, "sign"]), {
        "signed_on": day, "starts_on": day,
        "signed_file": SimpleUploadedFile("../../合同.exe.png", PDF, content_type="image/png")})
    agreement.refresh_from_db()
    assert agreement.stage == Stage.SIGNED
    assert agreement.signed_file.name.endswith(".pdf") and ".exe" not in agreement.signed_file.name
