"""One award from nomination to the honour record, through the pages, in one phone-sized browser
context: the union's chair nominates a member for the 金齿轮奖 within the town's quota (an empty
deeds field is refused first), the town cadre forwards it, the district approves it — which opens
the 公示 for 5 working days — and, the notice over, confers it; the honour then shows in the
records list. The steps are dated in the past so that the notice has ended by today."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core.testing.factories import MembershipFactory, PersonFactory, Tree
from gonghui.honours.models.awards import HonourNomination, HonourRecord, HonourType, NominationStatus
from gonghui.honours.services import awards as services

from .pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


def ago(days):
    return (TODAY - datetime.timedelta(days=days)).isoformat()


def go(page, url):
    page.goto(url)  # server-rendered pages: the load event is enough ("networkidle" adds 500 ms each)


def save(page, selector):
    with page.expect_navigation():
        page.click(f"{selector} button[type=submit]")


def status():
    return HonourNomination.objects.get().status


def switch(page, username):
    page.context.clear_cookies()
    sign_in(page, username)


def test_nomination_to_conferral(page_for, tour_screenshots):
    tree = Tree()
    services.ensure_award_types(actor=tree.district_staff)
    gold = HonourType.objects.get(kind="GOLD_GEAR")
    services.set_quota(actor=tree.district_staff, honour_type=gold, org=tree.town1, year=int(ago(20)[:4]), places=2)
    person = PersonFactory(name="钱师傅")
    MembershipFactory(person=person, union=tree.union1, enterprise=tree.enterprise1)
    page = page_for(390)

    # The union nominates (its one union is taken directly).
    sign_in(page, "union1")
    go(page, "/honours/nominations/new/")
    page.select_option("select[name=honour_type]", str(gold.pk))
    page.fill("input[name=year]", ago(20)[:4])
    page.select_option("select[name=person]", str(person.pk))
    page.fill("input[name=submitted_on]", ago(20))
    save(page, "form.card")
    assert page.locator(".errorlist").count() > 0 and not HonourNomination.objects.exists()
    page.fill("textarea[name=deeds]", "革新工艺三项，年节约成本八十万元")
    save(page, "form.card")
    n = HonourNomination.objects.get()
    assert page.url.endswith(f"/honours/nominations/{n.pk}/") and n.status == NominationStatus.SUBMITTED

    # The town forwards it.
    switch(page, "town1")
    go(page, f"/honours/nominations/{n.pk}/")
    page.fill("input[name=town-reviewed_on]", ago(19))
    save(page, "#step-town")
    assert status() == NominationStatus.FORWARDED

    # The district approves: the 公示 opens.
    switch(page, "district")
    go(page, f"/honours/nominations/{n.pk}/")
    page.fill("input[name=district-reviewed_on]", ago(18))
    save(page, "#step-district")
    assert status() == NominationStatus.NOTICE
    assert page.locator("#notice-dates").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scrolling
    if tour_screenshots:  # None in CI, where nobody looks at it
        page.screenshot(path=str(tour_screenshots / "honours-award-notice-390.png"), full_page=True)

    # The notice over, the district confers; the record is written.
    page.fill("input[name=confer-certificate_no]", "区总奖2026-0001")
    save(page, "#step-confer")
    assert status() == NominationStatus.CONFERRED
    record = HonourRecord.objects.get()
    assert record.person == person and record.title == gold.name
    go(page, "/honours/records/")
    assert "钱师傅" in page.content()
