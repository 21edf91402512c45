"""Walk the whole site in tests: every URL pattern of the URLconf, and a bounded crawl of the
pages a signed-in user can reach by following links.

Used by the security suites (every route, every role; core/tests/test_security_*.py) and by the
smoke and accessibility checks. Generic on purpose: a route added later is enumerated without
editing any test, so a suite that compares `all_routes()` with what it covered fails naming it.

    routes = all_routes()                          # [Route("members/<int:pk>/", "members:detail", …), …]
    crawl = Crawler(client, per_route=2).run("/")  # GET pages, following links within the site
    crawl.by_route["members/<int:pk>/"]            # ["/members/12/", "/members/40/"]
    crawl.pages["/members/12/"].status             # 200
"""

import dataclasses
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# --------------------------------------------------------------------------------------------
# Enumerating the URLconf
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Route:
    """One URL pattern with its full route as `ResolverMatch.route` spells it (the key shared by
    enumeration and crawl), its namespaced name (may be None) and its view function."""

    route: str
    name: str | None
    callback: object

    @property
    def has_args(self):
        return "<" in self.route or "(?P<" in self.route or "(" in self.route


def _join_route(first, second):
    """Exactly as django.urls.resolvers.URLResolver joins routes into ResolverMatch.route."""
    if not first:
        return second
    return first + second.removeprefix("^")


def all_routes(resolver=None) -> list[Route]:
    """Every URL pattern of the URLconf (namespaced includes walked), in URLconf order."""
    resolver = resolver or get_resolver()
    found = []

    def walk(node, prefix, namespace):
        for entry in node.url_patterns:
            route = _join_route(prefix, str(entry.pattern))
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, route, inner)
            elif isinstance(entry, URLPattern):
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                found.append(Route(route, name, entry.callback))

    walk(resolver, "", "")
    return found


def route_of(path) -> str | None:
    """The full route (`ResolverMatch.route`) a path resolves to; None when nothing matches."""
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


# Dummy values for path arguments, by converter: a route filled with them resolves to itself,
# and the ids are ones no test database reaches (→ the view's "not found").
DUMMY_BY_CONVERTER = {"int": "999999", "str": "nope", "slug": "nope", "uuid": "00000000-0000-0000-0000-000000000000",
                      "path": "nope"}
_ARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def fill_route(route, values=None):
    """A path for `route` with its `<converter:name>` arguments filled from `values` (by name)
    or else with dummy values. Regex routes (admin's) answer None: fill those by hand."""
    if route.startswith("^") or "(?P<" in route or "$" in route:
        return None
    values = values or {}

    def fill(match):
        name = match.group("name")
        if name in values:
            return str(values[name])
        return DUMMY_BY_CONVERTER.get(match.group("converter") or "str", "nope")

    return "/" + _ARG.sub(fill, route)


# --------------------------------------------------------------------------------------------
# Crawling
# --------------------------------------------------------------------------------------------


class _Links(HTMLParser):
    """The targets of <a href> in a page (forms are not followed: a crawl only GETs)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in(html) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def site_path(href, base="/"):
    """`href` as a path on this site (query kept, fragment dropped), or None when it points
    elsewhere (another host, mailto:, javascript:, a data: URL)."""
    href, _fragment = urldefrag(href.strip())
    if not href:
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc not in ("testserver", ""):
            return None
        href = parts.path + (f"?{parts.query}" if parts.query else "")
    if not href.startswith("/"):
        base_dir = urlsplit(base).path.rsplit("/", 1)[0]
        href = f"{base_dir}/{href}"
    return href


@dataclasses.dataclass
class Page:
    path: str
    route: str | None
    status: int
    location: str = ""
    body: bytes = b""


# Never GET these while crawling: static and media files are not views; /admin/ is crawled by
# the superuser's own suite if at all (its changelists are many and slow); exports and downloads
# build files (celery eager in tests) that a page crawl has no need to produce.
DEFAULT_SKIP = re.compile(r"^/(static|media|admin)/|/(export|download)(/|$|\?)|\.(css|js|png|jpg|svg|ico)$")


class Crawler:
    """GET pages with a test client, breadth first from the start paths, following same-site
    links and redirects, at most `per_route` distinct paths per URL pattern (so a list of 1,000
    records costs 2 requests) and at most `max_pages` in all.

    `skip(path)` → True leaves a path out; the default leaves out DEFAULT_SKIP. Pages are kept
    with their status; bodies only of 200 HTML answers, when `keep_bodies`."""

    def __init__(self, client, *, per_route=2, max_pages=2000, skip=None, keep_bodies=False):
        self.client = client
        self.per_route = per_route
        self.max_pages = max_pages
        self.skip = skip or (lambda path: bool(DEFAULT_SKIP.search(path)))
        self.keep_bodies = keep_bodies
        self.pages: dict[str, Page] = {}
        self.by_route: dict[str, list[str]] = {}
        # Linked paths left out by `skip` (files, exports): seen in a page the user could open,
        # so a scope test can still request them as someone else.
        self.skipped: set[str] = set()

    def run(self, *start):
        queue = deque(start or ("/",))
        while queue and len(self.pages) < self.max_pages:
            path = queue.popleft()
            if not self._should_visit(path):
                continue
            page = self.get(path)
            queue.extend(self._next_paths(page))
        return self

    def _should_visit(self, path):
        if path in self.pages:
            return False
        if self.skip(path):
            self.skipped.add(path)
            return False
        route = route_of(path)
        if route is None:
            return False
        return len(self.by_route.get(route, ())) < self.per_route

    def get(self, path) -> Page:
        response = self.client.get(path)
        route = route_of(path)
        body = b""
        html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 200 and html and not response.streaming:
            body = response.content
        elif response.streaming:
            # Read it through: the test client closes it at the end with close_old_connections
            # held off. Calling response.close() here would fire request_finished with it, which
            # on PostgreSQL (CONN_MAX_AGE) closes the connection inside the test's transaction.
            for _chunk in response.streaming_content:
                pass
        page = Page(path, route, response.status_code, response.get("Location", ""), body)
        self.pages[path] = page
        self.by_route.setdefault(route, []).append(path)
        return page

    def _next_paths(self, page):
        if page.location:
            target = site_path(page.location, page.path)
            return [target] if target else []
        found = [site_path(href, page.path) for href in links_in(page.body.decode("utf-8", "replace"))]
        if not self.keep_bodies:
            page.body = b""
        return [p for p in found if p]

    @property
    def routes(self) -> set[str]:
        return {route for route in self.by_route if route is not None}

    def with_status(self, *statuses) -> list[Page]:
        return [page for page in self.pages.values() if page.status in statuses]

    def object_pages(self) -> list[Page]:
        """200 pages whose route takes arguments: the ones that show a particular record."""
        return [page for page in self.with_status(200) if page.route and "<" in page.route]
