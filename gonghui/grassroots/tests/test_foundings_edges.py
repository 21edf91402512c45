"""Edges found in review: the withdrawal date against the last step, names typed with spaces,
an audit trail that shows a changed contact phone, and list queries that do not grow."""

import datetime

import pytest
from django.test import Client

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.grassroots.models import Committee, CommitteeMember, FoundingApplication, FoundingStatus
from gonghui.grassroots.models.foundings import split_names
from gonghui.grassroots.services import foundings as services
from gonghui.grassroots.testing.foundings import TODAY, application, bare_enterprise, founding_input

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _client(user):
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(user)
    return client


def test_withdrawal_cannot_be_dated_before_the_review(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    FoundingApplication.objects.filter(pk=a.pk).update(submitted_on=TODAY - 5 * DAY)
    a = services.review_application(actor=tree.town1_cadre, application=FoundingApplication.objects.get(pk=a.pk),
                                    reviewed_on=TODAY - DAY)
    with pytest.raises(DomainError) as exc:
        services.withdraw_application(actor=tree.town1_cadre, application=a, withdrawn_on=TODAY - 3 * DAY)
    assert (exc.value.code, exc.value.field) == ("date_order", "withdrawn_on")
    assert FoundingApplication.objects.get(pk=a.pk).status == FoundingStatus.REVIEWED
    a = services.withdraw_application(actor=tree.town1_cadre, application=a, withdrawn_on=TODAY - DAY)
    assert a.status == FoundingStatus.WITHDRAWN


def test_withdrawal_cannot_be_dated_before_the_return(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    FoundingApplication.objects.filter(pk=a.pk).update(submitted_on=TODAY - 5 * DAY)
    a = services.return_application(actor=tree.town1_cadre, application=FoundingApplication.objects.get(pk=a.pk),
                                    returned_on=TODAY - DAY, reason="材料不全")
    with pytest.raises(DomainError) as exc:
        services.withdraw_application(actor=tree.town1_cadre, application=a, withdrawn_on=TODAY - 2 * DAY)
    assert exc.value.code == "date_order"


def test_a_space_inside_a_name_does_not_make_two_people():
    assert split_names("王　五、赵  六，孙七\n周八;吴九") == ["王 五", "赵 六", "孙七", "周八", "吴九"]


def test_registration_seats_padded_names_as_one_person_each(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.APPROVED,
                    vice_chair_names="王　五", committee_member_names="钱 一、孙二")
    a = services.register_union(actor=tree.district_staff, application=a, registered_on=TODAY,
                                legal_cert_no="工法证字第330100000123号")
    committee = Committee.objects.get(pk=a.committee_id)
    names = list(CommitteeMember.objects.filter(committee=committee).order_by("order").values_list("name", flat=True))
    assert names == ["李主席", "王 五", "钱 一", "孙二"]


def test_a_changed_contact_phone_shows_in_the_trail_masked(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1))
    services.update_application(actor=tree.town1_cadre, application=a,
                                data=founding_input(contact_phone="13700002222"))
    event = AuditEvent.objects.filter(action="grassroots.founding.update", object_id=str(a.pk)).get()
    assert event.before == {"contact_phone_masked": "139****5678"}
    assert event.after == {"contact_phone_masked": "137****2222"}
    assert "13700002222" not in str(event.after)


def _queries(client, url, django_assert_max_num_queries, limit=40):
    with django_assert_max_num_queries(limit) as counted:
        assert client.get(url).status_code == 200
    return len(counted.captured_queries)


@pytest.mark.parametrize("url", ["/grassroots/foundings/", "/grassroots/unorganised/"])
def test_list_queries_are_the_same_for_2_and_12_rows(tree, url, django_assert_max_num_queries):
    client = _client(tree.district_staff)

    def add(n):
        for i in range(n):
            application(tree.town1_cadre, bare_enterprise(tree.town1),
                        FoundingStatus.SUBMITTED if i % 2 else FoundingStatus.DRAFT)
            bare_enterprise(tree.town2)

    add(2)
    client.get(url)
    few = _queries(client, url, django_assert_max_num_queries)
    add(10)
    assert _queries(client, url, django_assert_max_num_queries) <= few


def test_detail_queries_do_not_grow_with_the_committee(tree, django_assert_max_num_queries):
    client = _client(tree.district_staff)
    small = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED,
                        committee_member_names="钱一")
    large = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED,
                        committee_member_names="、".join(f"委员{i}" for i in range(20)))
    client.get(f"/grassroots/foundings/{small.pk}/")
    few = _queries(client, f"/grassroots/foundings/{small.pk}/", django_assert_max_num_queries)
    assert _queries(client, f"/grassroots/foundings/{large.pk}/", django_assert_max_num_queries) <= few


def test_a_term_the_committees_rules_do_not_seat_is_refused_on_the_application(tree, settings):
    """Otherwise the district's registration fails on an approved application that can no longer
    be returned to the applicant."""
    from gonghui.grassroots.forms.foundings import ApplicationForm

    settings.GRASSROOTS_COMMITTEES_RULES = {"term_years": [5]}
    ent = bare_enterprise(tree.town1)
    with pytest.raises(DomainError) as exc:
        services.create_application(actor=tree.town1_cadre, enterprise=ent, data=founding_input(term_years=3))
    assert (exc.value.code, exc.value.field) == ("term_years", "term_years")
    assert "5" in str(exc.value) and not FoundingApplication.objects.filter(enterprise=ent).exists()
    assert [value for value, _label in ApplicationForm().fields["term_years"].choices] == ["", 5]
    a = services.create_application(actor=tree.town1_cadre, enterprise=ent, data=founding_input(term_years=5))
    assert a.term_years == 5
