"""The lists benchmark (bench/lists.py) measures what it discovers, not a list typed by hand: the
same URLconf walk as the security suites (core.testing.crawl), routes without path arguments,
minus the kinds that are not pages to read."""

from bench.lists import discover_routes, skip_reason
from gonghui.core.testing.crawl import all_routes


def test_every_route_without_arguments_is_discovered_once():
    discovered = discover_routes()
    routes = dict(discovered)
    assert len(routes) == len(discovered)  # each route once
    assert routes["members/"] == "members:list" and routes["accounts/roles/"] == "accounts:role_list"
    assert set(routes) == {r.route for r in all_routes() if not r.has_args}
    assert not any("<" in route for route in routes)


def test_what_is_not_a_page_to_read_is_skipped_with_a_reason():
    assert skip_reason("members/") == "" and skip_reason("voice/appeals/") == ""
    assert "export" in skip_reason("voice/appeals/export/")
    assert skip_reason("api/v1/members") and skip_reason("admin/") and skip_reason("members/new/")
    assert "download" in skip_reason("reports/annual.pdf")
