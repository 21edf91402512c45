"""The layout tour of the member portal's sign-in pages (visitors, not signed in): sign-in by
password and by SMS code (both steps, a wrong password), sign-up (both steps, passwords that
differ), password reset (both steps) and the cadres' page with its link, at 1280 and 390 px;
then the whole sign-up and a code sign-in on a 390 px phone with JavaScript turned off."""

import pytest
from django.urls import reverse

from gonghui.portal.testing.auth import PASSWORD, allow_resend, last_code, new_phone, portal_account, reset_sms_state

from .test_layout_tour import ENGLISH_UI, OVERFLOW_CULPRITS, WIDTHS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_here(page, name, width, shots, problems):
    """The tour's checks (see test_layout_tour.check_page) on the page as it is now, e.g. after a post."""
    where = f"{name} @ {width}px"
    if page.get_attribute("html", "lang") != "zh-hans":
        problems.append(f"{where}: <html lang> is not zh-hans")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width + 1:
        problems.append(f"{where}: page scrolls sideways: {page.evaluate(OVERFLOW_CULPRITS)}")
    small = page.evaluate("""() => [...document.querySelectorAll('main button, main input:not([type=hidden]), main a')]
        .filter(el => el.offsetParent !== null)
        .filter(el => el.getBoundingClientRect().height < 44)
        .map(el => `${el.tagName.toLowerCase()} ${(el.name || el.textContent || '').trim().slice(0, 20)}`)""")
    if small:
        problems.append(f"{where}: touch targets under 44 px: {small}")
    english = ENGLISH_UI.findall(page.locator("main").inner_text())
    if len(english) >= 3:
        problems.append(f"{where}: English UI words in main: {english}")
    if shots is not None:
        page.screenshot(path=str(shots / f"tour-{name}-{width}.png"), full_page=True)


def _submit(page, value):
    with page.expect_navigation():
        page.click(f"main button[name=action][value={value}]")


def visit(page, width, shots, problems, account):
    def shot(name, url=None):
        if url is not None:
            response = page.goto(url)
            if response is None or response.status >= 400:
                problems.append(f"{name} @ {width}px: HTTP {response.status if response else 'none'}")
                return
        check_here(page, name, width, shots, problems)

    login, signup, reset = reverse("portal:login"), reverse("portal:signup"), reverse("portal:password_reset")
    shot("pa-login", login)
    page.fill("input[name=phone]", account.phone())
    page.fill("input[name=password]", "wrong-password")
    _submit(page, "submit")
    shot("pa-login-wrong")
    shot("pa-code", login + "?mode=code")
    page.fill("input[name=phone]", account.phone())
    allow_resend(account.phone())
    _submit(page, "send")
    shot("pa-code-sent")
    _submit(page, "send")  # at once again: the notice to wait
    shot("pa-code-wait")
    reset_sms_state()
    shot("pa-signup", signup)
    phone = new_phone()
    page.fill("input[name=phone]", phone)
    _submit(page, "send")
    shot("pa-signup-sent")
    page.fill("input[name=code]", last_code(phone))
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=password1]", "Hongshan-river-2027")
    page.fill("input[name=password2]", "Hongshan-river-2028")
    _submit(page, "submit")
    shot("pa-signup-mismatch")
    reset_sms_state()
    shot("pa-reset", reset)
    page.fill("input[name=phone]", account.phone())
    allow_resend(account.phone())
    _submit(page, "send")
    shot("pa-reset-sent")
    reset_sms_state()
    shot("pa-cadre-login", reverse("accounts:login"))


def test_portal_auth_layout_tour(browser, live_server, tour_screenshots):
    reset_sms_state()
    account = portal_account(name="王小明")
    problems = []
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="zh-CN",
                                  base_url=live_server.url, reduced_motion="reduce")
    try:
        page = context.new_page()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            visit(page, width, tour_screenshots, problems, account)
    finally:
        context.close()
    # the cadres' page has its own (narrower) layout rules: only the portal pages need 44 px targets
    problems = [p for p in problems if not (p.startswith("pa-cadre-login") and "touch targets" in p)]
    assert not problems, "\n".join(problems)


def test_sign_up_and_code_sign_in_without_javascript(browser, live_server, tour_screenshots):
    """A phone with JavaScript off: sign up in two steps, sign out, sign in with an SMS code."""
    reset_sms_state()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        phone = new_phone()
        page.goto(reverse("portal:signup"))
        page.fill("input[name=phone]", phone)
        _submit(page, "send")
        page.fill("input[name=code]", last_code(phone))
        page.fill("input[name=name]", "李四")
        page.fill("input[name=password1]", PASSWORD)
        page.fill("input[name=password2]", PASSWORD)
        _submit(page, "submit")
        assert "/m/signup/" not in page.url and "/m/login/" not in page.url
        if tour_screenshots is not None:
            page.screenshot(path=str(tour_screenshots / "tour-pa-nojs-signed-up-390.png"), full_page=True)
        page.context.clear_cookies()
        allow_resend(phone)
        page.goto(reverse("portal:login") + "?mode=code")
        page.fill("input[name=phone]", phone)
        _submit(page, "send")
        page.fill("input[name=code]", last_code(phone))
        _submit(page, "submit")
        assert "/m/login/" not in page.url
    finally:
        context.close()
