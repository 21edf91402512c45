"""Intake: routing on submission, anonymity by category, contact data, attachments (all or
nothing), events and notifications."""

import pytest
from django.core.cache import cache

from gonghui.core import pii
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.members.models import Person
from gonghui.voice.models.appeals import Appeal, AppealAttachment, AppealChannel, AppealStatus
from gonghui.voice.services import intake as services
from gonghui.voice.testing.intake import fake, member_appeal, pdf, png, public_appeal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_enterprise_with_a_union_routes_to_the_union(tree):
    a = public_appeal(enterprise_name=tree.enterprise1.name)
    assert (a.org, a.town, a.enterprise, a.status) == (tree.union1, tree.town1, tree.enterprise1, AppealStatus.NEW)
    assert a.number.startswith(f"SQ{a.received_at.year}-") and len(a.tracking_code) == 10


def test_enterprise_by_uscc_routes_too(tree):
    a = public_appeal(enterprise_name=tree.enterprise2.uscc.lower())
    assert a.org == tree.union2


def test_enterprise_without_a_union_goes_to_its_town(tree):
    e = EnterpriseFactory(town=tree.town2, union=None)
    a = public_appeal(enterprise_name=e.name)
    assert (a.org, a.town) == (tree.town2, tree.town2)


def test_unknown_enterprise_goes_to_the_district(tree):
    a = public_appeal(enterprise_name="不存在的公司")
    assert (a.org, a.town, a.enterprise, a.enterprise_name) == (tree.district, None, None, "不存在的公司")


def test_a_member_without_enterprise_goes_to_their_union(tree):
    m = tree.member(union=tree.union1b)
    a = member_appeal(tree.member_user, m.person)
    assert a.org == tree.union1b and a.person == m.person and a.channel == AppealChannel.PORTAL


def test_events_are_public_and_the_org_is_notified(tree):
    a = public_appeal(enterprise_name=tree.enterprise1.name)
    kinds = list(a.events.values_list("kind", "public"))
    assert kinds == [("SUBMITTED", True), ("ROUTED", True)]
    assert a.events.get(kind="ROUTED").to_org == tree.union1
    recipients = set(Notification.objects.filter(key__startswith=f"voice:appeal:{a.pk}:").values_list(
        "recipient__username", flat=True))
    assert recipients == {"union1", "union1staff"}  # the org's staff, not its members
    assert AuditEvent.objects.filter(action="voice.appeal_submit", object_id=str(a.pk)).exists()


def test_phone_is_stored_encrypted_hashed_and_masked(tree):
    a = public_appeal(contact_phone="13812345678")
    assert a.contact_phone_masked == "138****5678"
    assert "13812345678" not in a.contact_phone_enc and pii.decrypt(a.contact_phone_enc) == "13812345678"
    assert a.contact_phone_hash == pii.lookup_hash("13812345678")
    audit = AuditEvent.objects.get(action="voice.appeal_submit", object_id=str(a.pk))
    assert "13812345678" not in str(audit.after)


@pytest.mark.parametrize("phone", ["12345", "23812345678", "1381234567x", ""])
def test_a_named_appeal_needs_a_valid_mobile(tree, phone):
    with pytest.raises(DomainError) as exc:
        public_appeal(contact_phone=phone)
    assert exc.value.field == "contact_phone"
    assert Appeal.objects.count() == 0


def test_anonymous_allowed_only_for_some_categories(tree):
    a = public_appeal(category="OTHER", anonymous=True)
    assert a.anonymous and a.contact_name == "" and a.contact_phone_masked == "" and a.person is None
    with pytest.raises(DomainError) as exc:
        public_appeal(category="WAGES_OWED", anonymous=True)
    assert exc.value.code == "anonymous_not_allowed" and exc.value.field == "anonymous"
    assert Appeal.objects.count() == 1


def test_anonymous_rule_is_configurable(tree, settings):
    settings.VOICE_APPEALS_RULES = {"categories": {"WAGES_OWED": {"time_limit_days": 5, "anonymous_allowed": True}}}
    assert public_appeal(category="WAGES_OWED", anonymous=True).anonymous


def test_anonymous_member_keeps_the_login_but_not_the_name(tree):
    m = tree.member()
    a = member_appeal(tree.member_user, m.person, category="OTHER", anonymous=True)
    assert a.person is None and a.contact_name == "" and a.submitted_by == tree.member_user


def test_attachments_are_saved_with_the_appeal(tree):
    a = public_appeal(files=[png(), pdf()])
    rows = list(a.attachments.order_by("id"))
    assert [(r.name, r.content_type, r.public) for r in rows] == [
        ("photo.png", "image/png", True), ("contract.pdf", "application/pdf", True)]
    assert rows[0].event.kind == "SUBMITTED" and not rows[0].file.name.endswith("photo.png")


@pytest.mark.parametrize("files", [
    lambda: [png(), fake()],  # a renamed executable
    lambda: [png(size=6 * 1024 * 1024)],  # over 5 MB
    lambda: [png(f"p{i}.png") for i in range(6)],  # more than 5
])
def test_a_bad_file_saves_nothing(tree, files):
    with pytest.raises(DomainError) as exc:
        public_appeal(files=files())
    assert exc.value.field == "attachments"
    assert (Appeal.objects.count(), AppealAttachment.objects.count(), Notification.objects.count()) == (0, 0, 0)


def test_numbers_follow_each_other(tree):
    a, b = public_appeal(), public_appeal()
    assert int(b.number[-6:]) == int(a.number[-6:]) + 1 and a.tracking_code != b.tracking_code


def test_staff_entry_routes_or_keeps_it(tree):
    person = tree.member().person
    routed = services.create_by_staff(actor=tree.town1_cadre, entering_org=tree.town1, channel="PHONE",
                                      category="INJURY", title="工伤认定咨询", content="来电咨询工伤认定。",
                                      person=person, enterprise_name=tree.enterprise2.name)
    assert routed.org == tree.union2 and routed.created_by == tree.town1_cadre and routed.submitted_by is None
    assert routed.contact_name == person.name and routed.contact_phone_masked
    kept = services.create_by_staff(actor=tree.town1_cadre, entering_org=tree.town1, channel="VISIT",
                                    category="OTHER", title="来访", content="来访反映食堂问题。",
                                    contact_name="李", contact_phone="13900001111", handle_here=True)
    assert (kept.org, kept.status, kept.handler) == (tree.town1, AppealStatus.HANDLING, tree.town1_cadre)
    assert list(kept.events.values_list("kind", flat=True)) == ["SUBMITTED", "ROUTED", "ACCEPTED"]


def test_staff_entry_needs_the_right_to_change(tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_by_staff(actor=tree.town2_cadre, entering_org=tree.town1, channel="PHONE", category="OTHER",
                                 title="x", content="y", contact_name="李", contact_phone="13900001111")
    with pytest.raises(DomainError):
        services.create_by_staff(actor=tree.town1_cadre, entering_org=tree.town1, channel="WEB", category="OTHER",
                                 title="x", content="y", contact_name="李", contact_phone="13900001111")
    assert Appeal.objects.count() == 0


def test_person_records_untouched(tree):
    m = tree.member()
    before = Person.objects.get(pk=m.person.pk).phone_hash
    member_appeal(tree.member_user, m.person)
    assert Person.objects.get(pk=m.person.pk).phone_hash == before
