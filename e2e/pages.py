"""Steps shared by the browser tests."""

PASSWORD = "test-pass-2026"  # what the test factories set


def sign_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login" not in page.url, f"{username} could not sign in"
