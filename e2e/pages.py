"""Steps shared by the browser tests."""

PASSWORD = "test-pass-2026"  # what the test factories set


def sign_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # The form posts and redirects to a page that fetches nothing after its load event: waiting
    # for that navigation is enough ("networkidle" would add a 500 ms quiet period per sign-in).
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login" not in page.url, f"{username} could not sign in"


def snap(page, directory, name):
    """A full-page screenshot for people to look at, unless `directory` is None (in CI)."""
    if directory is not None:
        page.screenshot(path=str(directory / name), full_page=True)

