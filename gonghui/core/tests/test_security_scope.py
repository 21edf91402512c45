"""Out of scope never leaks, checked by crawling the small demo district (seed_demo --scale small,
seeded once for this module and rolled back after it):

- town1's cadre crawls the site (GET, following links, CRAWL_PER_ROUTE paths per URL pattern);
  every record page found is requested as town2's cadre → 404, the same page a missing id gets;
- the pages of those records that union1's chair sees → 404 for the chair of a union in town2;
- member1 crawls the portal and their own pages; another member gets 404 on each record page;
- member1 gets none of the cadre pages town1's crawl found;
- API: every list town1 reads, its records' detail as town2 → 404 (the missing-id body);
- every page route is crawled, answers only POST (405 to GET: the CSRF suite covers it), or is
  listed in NOT_CRAWLED with the reason.

Allow-lists say why something is legitimately visible across towns or members.
"""

import functools
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from gonghui.core.testing.api import ApiClient, token_for
from gonghui.core.testing.ci import in_ci_pass
from gonghui.core.testing.crawl import DEFAULT_SKIP, Crawler, all_routes, fill_route, route_of

pytestmark = [pytest.mark.django_db, in_ci_pass("sqlite")]

CRAWL_PER_ROUTE = 1  # one record per pattern keeps the crawl near 250 pages (≈ 45 s on a loaded CI box)

# Certificates as PDF take seconds each to render: their links are collected, not opened, and
# town2 / the other member still request them (a refused request renders nothing).
CRAWL_SKIP = re.compile(DEFAULT_SKIP.pattern + r"|/pdf/?$")

# Record pages that every cadre of the district may see, whichever town the record belongs to.
CROSS_TOWN = {
    "honours/model-workers/stories/": "a published model worker's story is for every signed-in user (view docstring)",
    # Records the district owns, readable (by design) by every org below it; the demo's are all
    # the district's, so this allow-list is by route (the lead may narrow it to district-owned rows).
    "training/schools/": "schools are readable below the running org: a union picks the town's or district's school",
    "training/teachers/": "the district's teacher pool is shared (selectors.readable_teachers)",
    "services/events/<int:pk>/register/": "a published event takes registrations from every union (view docstring)",
    "services/catalogue/": "service items are readable below their owner (selectors.items)",
    "welfare/campaigns/": "campaigns run above a town are seen there, and it records the goods it hands out "
                          "(selectors.campaigns)",
    "welfare/mutual-aid/plans/": "the district's mutual-aid plan: every union enrols its members in it",
    "reports/rollups/": "district-wide statistics runs (their figures are scoped on the report pages)",
    "grassroots/home-standards/": "the district's standard for workers' homes, the same for every town",
    "grassroots/harmony/indicators/": "the district's yearly indicator set for harmonious enterprises",
}

# Portal pages of records open to every member (not one member's own).
CROSS_MEMBER = {
    "voice/my/surveys/": "a survey addressed to the member's union: the other member is in the same union",
    "publicity/news/": "published news is for every member",
}

# Pages a member opens that town1's crawl also found: their own account, or open to every user.
MEMBER_MAY_OPEN = {
    "accounts/": "the signed-in user's own account, password and API tokens",
    "notifications/": "the signed-in user's own notifications",
    "publicity/studies/my/": "the study sessions the signed-in user is invited to",
    "training/verify/": "certificate check, public",
    "honours/model-workers/stories/": "published stories are for every signed-in user",
}


def _group(reason, *routes):
    return dict.fromkeys(routes, reason)


# Page routes neither crawl reaches and that answer GET, with the reason. test_security_routes
# still covers each of them (anonymous → sign-in, POST without CSRF → 403).
NOT_CRAWLED = {
    **_group("public or sign-in pages, no record behind them (anonymous checks in test_security_routes)",
             "healthz", "readyz", "i18n/setlang/", "accounts/login/", "accounts/otp/", "m/login/", "m/signup/",
             "m/password/reset/", "voice/appeal/", "training/verify/<str:code>/", "services/card/verify/"),
    **_group("JSON options a form's script fetches; never a link",
             "orgs/<int:pk>/children/", "orgs/enterprises/union-options/", "members/options/",
             "bargaining/options/", "training/courses/enterprises/"),
    **_group("pages reached by submitting a form (an import, an export, a preview), not by a link",
             "members/import/", "members/imports/", "members/exports/", "bargaining/import/errors.xlsx",
             "congress/new/preview/", "exports/<str:job_id>/", "services/events/<int:pk>/checkins/export/",
             "honours/rewards/pay/"),
    **_group("reached through a QR code scanned at the venue, not a link",
             "training/checkin/", "services/events/<int:pk>/checkin/", "publicity/studies/checkin/"),
    **_group("a worker without an account: m/join is the sign-up's next step, shown only to worker1",
             "m/join/"),
    **_group("creation forms town1 has no button for (district-only actions or none open in the demo); "
             "the same views' record pages are crawled",
             "honours/nominations/new/", "honours/model-workers/new/", "honours/leaders/new/",
             "honours/rewards/new/", "training/targets/new/", "services/orders/new/", "services/facilities/new/",
             "welfare/mutual-aid/plans/new/", "welfare/mutual-aid/claims/new/", "welfare/campaigns/new/",
             "welfare/campaign-applications/new/", "welfare/my/applications/apply/"),
    **_group("a record's sub-page the one-record-per-pattern crawl did not reach (its record had none, or its "
             "stage offers no link); the record's own page is crawled and scope-checked",
             "members/transfers/<int:pk>/", "bargaining/<int:pk>/document/", "congress/delegates/",
             "congress/agenda/", "grassroots/foundings/<int:pk>/edit/", "grassroots/elections/<int:pk>/",
             "grassroots/homes/<int:pk>/evidence/", "grassroots/harmony/evidence/",
             "grassroots/harmony/<int:pk>/review/",
             "competitions/competitions/<int:pk>/", "competitions/contests/<int:pk>/",
             "honours/rewards/batches/", "training/schools/<int:pk>/edit/", "training/teachers/<int:pk>/edit/",
             "training/targets/<int:pk>/edit/", "services/projects/<int:pk>/edit/",
             "services/events/<int:pk>/photos/", "welfare/mutual-aid/plans/<int:pk>/edit/",
             "welfare/my/mutual-aid/claims/<int:pk>/edit/", "welfare/campaigns/<int:pk>/edit/",
             "voice/appeals/<int:pk>/files/", "voice/my/appeals/<int:pk>/files/", "publicity/articles/<int:pk>/",
             "publicity/activities/<int:pk>/", "publicity/studies/my/<int:pk>/materials/",
             "publicity/studies/<int:pk>/"),
}


def _reason_for(route, allowed):
    return next((why for prefix, why in allowed.items() if route.startswith(prefix)), None)


# --------------------------------------------------------------------------------------------
# The demo district, seeded once
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _media_root(settings, media):
    """The demo's files (certificate scans…) stay where the seed wrote them, for every test."""
    settings.MEDIA_ROOT = media


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, media):
    """The seeded demo and its accounts, plus the chair of a union in town2 (union_b) and a
    second member of union1 with a portal login (member_b). Rolled back after the module."""
    from django.test import override_settings

    with django_db_blocker.unblock(), transaction.atomic(), override_settings(MEDIA_ROOT=media):
        call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
        users = _accounts()
        yield users
        transaction.set_rollback(True)


def _accounts():
    from gonghui.accounts.models import RoleAssignment, User
    from gonghui.accounts.roles import Role
    from gonghui.members.models import Membership, MembershipStatus
    from gonghui.orgs.models import Org, OrgLevel

    users = {u.username: u for u in User.objects.filter(username__in=("town1", "town2", "union1", "member1"))}
    town2 = RoleAssignment.objects.get(user=users["town2"], role=Role.TOWN_CADRE).org
    union1 = RoleAssignment.objects.get(user=users["union1"], role=Role.UNION_CHAIR).org
    union_b = Org.objects.filter(path__startswith=town2.path, level=OrgLevel.GRASSROOTS).order_by("path").first()
    users["union_b"] = User.objects.create_user("union-b-chair", password="x", display_name="乙工会主席")
    RoleAssignment.objects.create(user=users["union_b"], org=union_b, role=Role.UNION_CHAIR)
    other = (Membership.objects.filter(union=union1, status=MembershipStatus.ACTIVE, person__account__isnull=True)
             .select_related("person").order_by("id").first())
    users["member_b"] = User.objects.create_user("member-b", password="x", display_name=other.person.name)
    RoleAssignment.objects.create(user=users["member_b"], org=union1, role=Role.MEMBER)
    other.person.account = users["member_b"]
    other.person.save(update_fields=["account"])
    return users


def browser(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(scope="module")
def town1_crawl(site, django_db_blocker):
    with django_db_blocker.unblock():
        return Crawler(browser(site["town1"]), per_route=CRAWL_PER_ROUTE,
                       skip=lambda path: bool(CRAWL_SKIP.search(path))).run("/")


@pytest.fixture(scope="module")
def member1_crawl(site, django_db_blocker):
    with django_db_blocker.unblock():
        return Crawler(browser(site["member1"]), per_route=2,
                       skip=lambda path: bool(CRAWL_SKIP.search(path))).run("/m/", "/")


def record_paths(crawl):
    """Paths of the records a crawl reached: 200 pages and linked files whose route takes arguments."""
    opened = [p.path for p in crawl.object_pages()]
    linked = [p for p in sorted(crawl.skipped) if "<" in (route_of(p) or "")]
    return opened + linked


_CSRF_VALUE = re.compile(rb'(csrfmiddlewaretoken" value="|name="csrf-token" content=")[^"]*')


def page_body(response, path):
    """The body with what differs between any two requests left out: the masked CSRF token
    (new on every request) and the request's own path (in the language switch's `next`)."""
    return _CSRF_VALUE.sub(rb"\1", response.content).replace(path.encode(), b"PATH")


def missing_id_body(client, path):
    """What `client` gets for the same route with ids no record has."""
    missing = fill_route(route_of(path))
    return page_body(client.get(missing), missing)


def leaks(client, paths, allowed):
    """Paths `client` gets anything but the missing-id 404 for (allow-listed routes left out)."""
    found = []
    for path in paths:
        route = route_of(path)
        if _reason_for(route, allowed):
            continue
        response = client.get(path)
        if response.status_code != 404:
            found.append((path, response.status_code))
        elif "(?P<" not in route and page_body(response, path) != missing_id_body(client, path):
            found.append((path, "404 body differs from a missing id's"))
    return found


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def test_crawls_find_no_errors_or_broken_links(town1_crawl, member1_crawl):
    assert len(town1_crawl.routes) > 150, "the crawl reached too little of the site to prove anything"
    for crawl in (town1_crawl, member1_crawl):
        bad = [(p.path, p.status) for p in crawl.pages.values() if p.status >= 400]
        assert not bad, f"pages reached by links answer errors: {bad}"


def test_every_page_route_is_crawled_post_only_or_listed(site, town1_crawl, member1_crawl):
    crawled = town1_crawl.routes | member1_crawl.routes
    crawled |= {route_of(p) for p in town1_crawl.skipped | member1_crawl.skipped}
    town1 = browser(site["town1"])
    missed = []
    for route in all_routes():
        if route.route.startswith(("api/", "admin/")) or route.route in crawled:
            continue  # the API and the admin have suites of their own (routes, audit)
        if _reason_for(route.route, NOT_CRAWLED):
            continue
        path = fill_route(route.route)
        if path is None or town1.get(path).status_code != 405:
            missed.append(route.route)
    assert not missed, f"page routes no crawl reached (link them, or list them in NOT_CRAWLED): {missed}"


def test_town2_cadre_gets_404_for_every_town1_record(site, town1_crawl):
    found = leaks(browser(site["town2"]), record_paths(town1_crawl), CROSS_TOWN)
    assert not found, f"town1's records that town2's cadre can open: {found}"


def test_union_chair_in_town2_gets_404_for_union1_records(site, town1_crawl):
    """Records union1's chair opens and town2's cadre may not: a union in town2 may not either.
    (Records owned above both towns, such as the district's training schools or campaigns, are
    readable by every union below their owner, so they are left out by the town2 condition.)"""
    union1, town2 = browser(site["union1"]), browser(site["town2"])
    union1_paths = [p for p in record_paths(town1_crawl)
                    if union1.get(p).status_code == 200 and town2.get(p).status_code == 404]
    assert union1_paths, "union1's chair sees none of town1's records: the check would prove nothing"
    found = leaks(browser(site["union_b"]), union1_paths, CROSS_TOWN)
    assert not found, f"union1's records that the chair of a union in town2 can open: {found}"


def test_other_member_gets_404_for_member1_pages(site, member1_crawl):
    paths = record_paths(member1_crawl)
    assert paths, "member1's crawl found no record of their own"
    found = leaks(browser(site["member_b"]), paths, CROSS_MEMBER)
    assert not found, f"member1's pages that another member can open: {found}"


def test_member_gets_no_cadre_page(site, town1_crawl, member1_crawl):
    """A member is refused every page town1's crawl found that the member's own crawl did not:
    403 or 404, or sent to the portal."""
    member = browser(site["member1"])
    own = set(member1_crawl.pages)
    opened = []
    for path in sorted(set(town1_crawl.pages) - own):
        if _reason_for(route_of(path), MEMBER_MAY_OPEN):
            continue
        response = member.get(path)
        sent_to_portal = response.status_code == 302 and response["Location"].startswith("/m/")
        if response.status_code not in (403, 404) and not sent_to_portal:
            opened.append((path, response.status_code))
    assert not opened, f"cadre pages a member can open: {opened}"


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------


@functools.cache
def list_and_detail_operations():
    """(list path, detail path) pairs of the schema: GET /x and GET /x/{…id} (a detail by another
    key, such as an indicator set's year, is not a record of the list)."""
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    gets = [path for path, ops in schema["paths"].items() if "get" in ops]
    lists = [p for p in gets if "{" not in p]
    return tuple((lst, detail) for lst in lists for detail in gets
                 if re.fullmatch(re.escape(lst) + r"/\{\w*id\}", detail))


def _listed(client, list_path, limit):
    """(items, complete) of a list operation's first page."""
    body = client.get(list_path, {"limit": limit}).json()
    if isinstance(body, dict):
        return body["items"], body.get("next_after") is None
    return body, True


def test_api_records_town1_lists_are_404_for_town2(site):
    """For every list/detail pair: records town1 lists and town2 does not list are 404 for
    town2 in the detail, with the missing-id body. (Records both list, such as the district's
    own schools or campaigns, are shared by the list's own scope: no allow-list needed.)"""
    town1 = ApiClient(token_for(site["town1"]))
    town2 = ApiClient(token_for(site["town2"]))
    pairs = list_and_detail_operations()
    assert len(pairs) > 20, "the schema's list/detail pairs were not found"
    checked, found = 0, []
    for list_path, detail_path in pairs:
        listed = town1.client.get(list_path, {"limit": 20})
        if listed.status_code == 404 and list_path.startswith("/api/v1/my/"):
            continue  # a member's own records (the portal app's API): a cadre has none
        assert listed.status_code == 200, (list_path, listed.status_code)
        theirs, complete = _listed(town2.client, list_path, 200)
        shared = {item.get("id") for item in theirs} if complete else set()
        mine, _complete = _listed(town1.client, list_path, 20)
        candidates = [item["id"] for item in mine if "id" in item and item["id"] not in shared][:2]
        if not candidates:
            continue
        missing = town2.client.get(re.sub(r"\{[^}]+\}", "999999", detail_path)).json()
        for record_id in candidates:
            path = re.sub(r"\{[^}]+\}", str(record_id), detail_path)
            assert town1.client.get(path).status_code == 200, path
            answer = town2.client.get(path)
            checked += 1
            if answer.status_code != 404 or answer.json() != missing:
                found.append((path, answer.status_code))
    assert checked > 20, "too few records listed to prove anything"
    assert not found, f"town1's records that town2 reads through the API: {found}"
