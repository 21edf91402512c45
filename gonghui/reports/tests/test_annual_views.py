"""The report page and its downloads: whose report each user sees, every figure linked, bad
filters answered on the form, downloads audited, a fixed number of queries; the permission
matrix (role × page/download × in/out of scope)."""

import json

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import add_org
from gonghui.orgs.models import Industry, OrgLevel
from gonghui.reports.services.annual import EXPORT_ACTION
from gonghui.reports.testing.annual import YEAR, known_figures

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:annual")


def download(fmt):
    return reverse("reports:annual_download", args=[fmt])


@pytest.fixture
def known(tree):
    with known_figures(tree) as known:
        yield known


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_district_sees_every_section_with_linked_figures(client, tree, known):
    r = signed_in(client, tree.district_staff).get(PAGE, {"year": YEAR})
    assert r.status_code == 200
    report = r.context["report"]
    assert report.org == tree.district and report.year == YEAR
    html = r.content.decode()
    for section in report.sections:
        assert f'id="s-{section.code}"' in html
    members_url = f"{reverse('members:list')}?org={tree.town1.pk}&amp;year={YEAR}"
    assert f'<a href="{members_url}">300</a>' in html
    assert f'href="{PAGE}?org={tree.town1.pk}&amp;year={YEAR}"' in html  # the town's own report
    assert "1,650.75" in html and "79.2%" in html
    assert download("xlsx") in html and r.context["can_export"]


def test_each_user_starts_at_the_top_of_their_reach(client, tree, known):
    assert signed_in(client, tree.town1_cadre).get(PAGE, {"year": YEAR}).context["report"].org == tree.town1
    client.logout()
    assert signed_in(client, tree.union1_chair).get(PAGE, {"year": YEAR}).context["report"].org == tree.union1


def test_breadcrumbs_lead_back_up_within_the_reach(client, tree, known):
    r = signed_in(client, tree.district_staff).get(PAGE, {"year": YEAR, "org": tree.union1.pk})
    assert r.context["crumbs"] == [tree.district, tree.town1]
    client.logout()
    r = signed_in(client, tree.town1_cadre).get(PAGE, {"year": YEAR, "org": tree.union1.pk})
    assert r.context["crumbs"] == [tree.town1]


@pytest.mark.parametrize("params, field", [
    ({"year": "abc"}, "year"), ({"year": 1800}, "year"), ({"industry": "NOPE"}, "industry"), ({"org": "x"}, "org"),
    ({"org": "99999999999999999999999"}, "org"),
])
def test_bad_filters_show_an_error_and_the_defaults(client, tree, known, params, field):
    r = signed_in(client, tree.district_staff).get(PAGE, params)
    assert r.status_code == 200 and field in r.context["form"].errors
    assert r.context["report"].org == tree.district


def test_an_industry_and_a_year_without_figures(client, tree, known):
    r = signed_in(client, tree.district_staff).get(PAGE, {"year": YEAR, "industry": Industry.TEXTILES})
    assert r.status_code == 200 and r.context["report"].industry == Industry.TEXTILES
    r = client.get(PAGE)  # this year: never rolled up in the test
    assert r.status_code == 200 and not r.context["report"].has_figures
    assert r.context["no_figures"] in r.content.decode()


def test_missing_and_out_of_reach_orgs_are_the_same_404(client, tree, known):
    c = signed_in(client, tree.town1_cadre)
    assert c.get(PAGE, {"org": tree.town2.pk}).status_code == 404
    assert c.get(PAGE, {"org": 987654}).status_code == 404
    assert c.get(download("xlsx"), {"org": tree.town2.pk}).status_code == 404


def test_downloads_are_files_and_audited(client, tree, known):
    c = signed_in(client, tree.town1_cadre)
    r = c.get(download("xlsx"), {"year": YEAR})
    assert r.status_code == 200 and r.content[:2] == b"PK" and "no-cache" in r["Cache-Control"]
    assert r["Content-Disposition"] == f'attachment; filename="annual-report-{YEAR}-T1.xlsx"'
    r = c.get(download("json"), {"year": YEAR, "org": tree.union1.pk})
    assert r["Content-Type"] == "application/json" and json.loads(r.content)["org"]["id"] == tree.union1.pk
    events = AuditEvent.objects.filter(action=EXPORT_ACTION).order_by("id")
    assert [(e.org_id, e.after["format"]) for e in events] == [(tree.town1.pk, "xlsx"), (tree.union1.pk, "json")]


def test_pdf_download_runs_in_the_background(client, tree, known, django_capture_on_commit_callbacks):
    """A PDF takes seconds to tens of seconds: the page starts a job (core.exports) and sends the
    user to its status page; the file is a PDF, audited once, for the user who asked only."""
    from gonghui.core.pdf import cjk_font_available

    c = signed_in(client, tree.town1_cadre)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.get(download("pdf"), {"year": YEAR, "org": tree.union1.pk})
    if not cjk_font_available():
        assert r.status_code == 302 and r["Location"].startswith(PAGE)
        return
    assert r.status_code == 302 and "/exports/" in r["Location"]
    status = c.get(r["Location"])
    job_id = r["Location"].rstrip("/").rsplit("/", 1)[-1]
    link = reverse("core:export_download", args=[job_id])
    assert status.status_code == 200 and link in status.content.decode() and ".pdf" in status.content.decode()
    file = c.get(link)
    body = b"".join(file.streaming_content)
    assert file.status_code == 200 and body[:4] == b"%PDF" and file["Content-Type"] == "application/pdf"
    assert ".pdf" in file["Content-Disposition"]
    event = AuditEvent.objects.get(action=EXPORT_ACTION)
    assert (event.org_id, event.after["format"]) == (tree.union1.pk, "pdf")
    client.force_login(tree.district_staff)  # someone else: the same 404 as an unknown job
    assert client.get(link).status_code == 404


def test_pdf_of_an_org_out_of_reach_is_404_and_starts_nothing(client, tree, known):
    c = signed_in(client, tree.town1_cadre)
    assert c.get(download("pdf"), {"year": YEAR, "org": tree.town2.pk}).status_code == 404
    assert c.get(download("pdf"), {"year": YEAR, "org": 987654}).status_code == 404
    c = signed_in(client, tree.union1_chair)
    assert c.get(download("pdf"), {"year": YEAR, "org": tree.town1.pk}).status_code == 404
    assert signed_in(client, tree.member_user).get(download("pdf"), {"year": YEAR}).status_code == 403
    assert not AuditEvent.objects.filter(action=EXPORT_ACTION).exists()


def test_a_pdf_job_is_planned_again_when_it_runs(tree, known):
    """A user who lost the reach between the click and the run gets a failed job, not the file."""
    from django.http import Http404

    from gonghui.core.exports import _query
    from gonghui.reports.services.annual import plan_pdf

    with pytest.raises(Http404):
        plan_pdf(tree.town1_cadre, _query({"year": YEAR, "org": tree.town2.pk}))


def test_a_download_with_bad_filters_goes_back_to_the_page(client, tree, known):
    r = signed_in(client, tree.district_staff).get(download("xlsx"), {"year": "abc"})
    assert r.status_code == 302 and r["Location"].startswith(PAGE)
    assert not AuditEvent.objects.filter(action=EXPORT_ACTION).exists()


def test_unknown_format_is_404(client, tree, known):
    assert signed_in(client, tree.district_staff).get("/reports/annual/download/csv/").status_code == 404


def test_page_queries_do_not_grow_with_the_tree(client, tree, known, django_assert_max_num_queries):
    c = signed_in(client, tree.district_staff)
    c.get(PAGE, {"year": YEAR})
    with django_assert_max_num_queries(30) as few:
        c.get(PAGE, {"year": YEAR})
    for i in range(5):
        town = add_org(tree.district, f"新镇{i}", OrgLevel.TOWN)
        add_org(town, f"新工会{i}", OrgLevel.GRASSROOTS)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(PAGE, {"year": YEAR})
    assert len(r.context["report"].sections[0].children) == 7


# --- permission matrix ---------------------------------------------------------------------------

USERS = ["district_staff", "town1_cadre", "union1_chair", "union1_staff", "member_user", "outsider"]
# The org each user may see the report of; every other org answers 404 (403 with no reach at all).
REACH = {
    "district_staff": {"district", "town1", "union1", "town2"},
    "town1_cadre": {"town1", "union1"},
    "union1_chair": {"union1"},
    "union1_staff": {"union1"},
    "member_user": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("org", ["district", "town1", "union1", "town2"])
@pytest.mark.parametrize("action", ["page", "download"])
def test_permission_matrix(client, tree, known, user, org, action):
    c = signed_in(client, getattr(tree, user))
    url = PAGE if action == "page" else download("json")
    status = c.get(url, {"year": YEAR, "org": getattr(tree, org).pk}).status_code
    if not REACH[user]:
        assert status == 403
    else:
        assert status == (200 if org in REACH[user] else 404)


def test_anonymous_is_sent_to_sign_in(client, known):
    r = client.get(PAGE)
    assert r.status_code == 302 and "login" in r["Location"]
