"""A union chair signs in, searches a member by name and by pinyin initials, at desktop and
phone widths; the pages are screenshotted for people to look at (e2e/screenshots/)."""

import pytest

from gonghui.core.testing.factories import Tree

from .pages import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "label"), [(1280, "desktop"), (390, "phone")])
def test_chair_signs_in_and_finds_a_member(page_for, screenshot_dir, width, label):
    tree = Tree()
    tree.member(tree.union1, name="王小明", name_initials="wxm")
    tree.member(tree.union1, name="李大伟", name_initials="ldw")
    tree.member(tree.union2, name="王小红", name_initials="wxh")  # other town: must not appear

    page = page_for(width)
    sign_in(page, "union1")
    assert "/accounts/login" not in page.url
    snap(page, screenshot_dir, f"dashboard-{label}.png")

    page.goto("/members/")
    page.fill("input[name=q]", "王")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    body = page.locator("main").inner_text()
    assert "王小明" in body
    assert "李大伟" not in body
    assert "王小红" not in body  # out of scope
    snap(page, screenshot_dir, f"member-search-{label}.png")

    page.fill("input[name=q]", "ldw")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    assert "李大伟" in page.locator("main").inner_text()

    # The ID number is masked in the list.
    assert "********" in page.locator("main").inner_text()
