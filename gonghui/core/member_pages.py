"""The member's own pages (phone-first) that each module offers: the welcome page of a member
account lists them. A module registers its pages from its AppConfig.ready (wiring), so the list
grows with the modules without this file knowing them."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MemberPage:
    url_name: str
    label: str  # lazy translation
    description: str = ""
    order: int = 100


_PAGES: dict[str, MemberPage] = {}


def register_member_page(url_name: str, label, description="", order: int = 100):
    _PAGES[url_name] = MemberPage(url_name, label, description, order)


def member_pages(user) -> list[dict]:
    """[{url, label, description}] of every registered page whose URL resolves, in order; none
    while the account is not linked to a person of the registry (the pages act on that person
    and answer 404 without one)."""
    from gonghui.members.selectors import person_of_account

    if person_of_account(user) is None:
        return []
    pages = []
    for page in sorted(_PAGES.values(), key=lambda p: (p.order, p.url_name)):
        try:
            url = reverse(page.url_name)
        except NoReverseMatch:
            continue
        pages.append({"url": url, "label": page.label, "description": page.description})
    return pages
