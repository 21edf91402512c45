"""Enrolment pages: the list (filters, counts, pager, export audited, query count), enrolling
members (course → union → members; all or nothing with a line per person), an enrolment's page
(cancel, history), the course panel, and the member pages on a phone (/training/my/)."""

import io

import openpyxl
import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.training.models.enrolment import Enrolment
from gonghui.training.services import enrolment as services
from gonghui.training.testing.enrolment import course, enrolled, people

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_counts_and_few_queries(tree, django_assert_max_num_queries):
    c = course(tree, capacity=2, waitlist_limit=5, title="电工培训班")
    for _ in range(5):
        enrolled(tree, c)
    other = course(tree, title="法律维权讲座", programme="LEGAL")
    enrolled(tree, other)
    web = client(tree.town1_cadre)
    with django_assert_max_num_queries(14):
        r = web.get(reverse("training:enrolment_list"))
    assert r.status_code == 200
    assert r.content.decode().count("/training/enrolments/") >= 6
    r = web.get(reverse("training:enrolment_list"), {"status": "WAITLISTED"})
    assert r.context["page"].count == 3
    r = web.get(reverse("training:enrolment_list"), {"programme": "LEGAL"})
    assert r.context["page"].count == 1
    r = web.get(reverse("training:enrolment_list"), {"course": c.pk})
    assert r.context["page"].count == 5 and "电工培训班" in r.content.decode()
    r = web.get(reverse("training:enrolment_list"), {"q": "法律"})
    assert r.context["page"].count == 1
    # out of scope: town2 sees none of town1's
    r = client(tree.town2_cadre).get(reverse("training:enrolment_list"))
    assert r.status_code == 200 and r.context["page"].count == 0


def test_export_is_audited_and_scoped(tree):
    c = course(tree)
    x = enrolled(tree, c)
    r = client(tree.town1_cadre).get(reverse("training:enrolment_export"))
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content if r.streaming else [r.content])))
    values = [row for row in book.active.iter_rows(values_only=True)]
    assert values[1][3] == x.person.name and len(values) == 2
    assert AuditEvent.objects.filter(action="training.enrolment_export").exists()
    r = client(tree.town2_cadre).get(reverse("training:enrolment_export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content if r.streaming else [r.content])))
    assert len(list(book.active.iter_rows(values_only=True))) == 1


def test_union_enrols_members_through_the_page(tree):
    c = course(tree, org=tree.town1, capacity=1, waitlist_limit=2)
    ps = people(tree, 2)
    web = client(tree.union1_chair)
    r = web.get(reverse("training:enrolment_create"))
    assert r.status_code == 200 and c.title in r.content.decode()
    r = web.get(reverse("training:enrolment_create"), {"course": c.pk})
    assert r.context["org"] == tree.union1  # the chair's one union is taken directly
    assert ps[0].name in r.content.decode()
    r = web.post(reverse("training:enrolment_create"), {"course": c.pk, "org": tree.union1.pk,
                                                        "people": [p.pk for p in ps]})
    assert r.status_code == 302
    assert sorted(Enrolment.objects.values_list("status", flat=True)) == ["ENROLLED", "WAITLISTED"]


def test_page_refusal_lists_each_person_and_saves_nothing(tree):
    c = course(tree, capacity=5, min_skill_level="LEVEL3")
    ok = tree.member(skill_level="LEVEL2").person
    low = tree.member(skill_level="LEVEL5").person
    r = client(tree.union1_chair).post(reverse("training:enrolment_create"),
                                       {"course": c.pk, "org": tree.union1.pk, "people": [ok.pk, low.pk]})
    assert r.status_code == 400
    body = r.content.decode()
    assert low.name in body and ok.name in body  # the line names the refused one; the list still shows all
    assert r.context["rows"][0]["person"] == low.pk
    assert not Enrolment.objects.exists()


def test_page_rejects_nobody_ticked_and_a_stranger(tree):
    c = course(tree)
    stranger = tree.member(union=tree.union2).person
    web = client(tree.union1_chair)
    r = web.post(reverse("training:enrolment_create"), {"course": c.pk, "org": tree.union1.pk})
    assert r.status_code == 400 and ("Choose at least one member" in str(r.context["form"].errors)
                                     or "请至少选择一名会员" in str(r.context["form"].errors))
    r = web.post(reverse("training:enrolment_create"), {"course": c.pk, "org": tree.union1.pk,
                                                        "people": [stranger.pk]})
    assert r.status_code == 400 and not Enrolment.objects.exists()
    r = web.get(reverse("training:enrolment_create"), {"course": 999999})
    assert r.status_code == 404


def test_detail_cancel_and_history(tree):
    c = course(tree, capacity=1, waitlist_limit=1)
    x, w = enrolled(tree, c), enrolled(tree, c)
    web = client(tree.town1_cadre)
    r = web.get(reverse("training:enrolment_detail", args=[x.pk]))
    assert r.status_code == 200 and r.context["can_cancel"]
    r = web.post(reverse("training:enrolment_cancel", args=[x.pk]), {"cancel-reason": "身体原因"})
    assert r.status_code == 302
    w.refresh_from_db()
    assert w.status == "ENROLLED"
    r = web.get(reverse("training:enrolment_detail", args=[x.pk]))
    assert r.context["history"] and not r.context["can_cancel"]
    r = web.post(reverse("training:enrolment_cancel", args=[w.pk]), {"cancel-reason": "长" * 401})
    assert r.status_code == 400
    assert Enrolment.objects.get(pk=w.pk).status == "ENROLLED"


def test_course_panel(tree, django_assert_max_num_queries):
    c = course(tree, capacity=1, waitlist_limit=1)
    x, w = enrolled(tree, c), enrolled(tree, c)
    request = RequestFactory().get("/")
    request.user = tree.town1_cadre
    with django_assert_max_num_queries(6):
        html = Template("{% load training_enrolment %}{% enrolment_panel course %}").render(
            Context({"course": c, "request": request}))
    assert x.person.name in html and w.person.name in html and "#1" in html
    assert reverse("training:enrolment_create") in html
    request.user = tree.town2_cadre
    html = Template("{% load training_enrolment %}{% enrolment_panel course %}").render(
        Context({"course": c, "request": request}))
    assert x.person.name not in html


def _member_login(tree, **kwargs):
    person = tree.member(**kwargs).person
    person.account = tree.member_user
    person.save()
    return person


def test_member_page_enrol_and_cancel(tree):
    person = _member_login(tree)
    c = course(tree, title="焊工技能提升班")
    hidden = course(tree, org=tree.town2, title="外镇课程")
    web = client(tree.member_user)
    r = web.get(reverse("training:my_courses"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "焊工技能提升班" in body and "外镇课程" not in body
    r = web.post(reverse("training:my_enrol", args=[c.pk]))
    assert r.status_code == 302
    x = Enrolment.objects.get(person=person)
    assert x.channel == "SELF"
    r = web.post(reverse("training:my_enrol", args=[hidden.pk]))
    assert r.status_code == 404  # another town's course is out of the member's reach
    assert Enrolment.objects.filter(person=person).count() == 1
    r = web.post(reverse("training:my_cancel", args=[x.pk]))
    assert r.status_code == 302
    assert Enrolment.objects.get(pk=x.pk).status == "CANCELLED"


def test_member_cannot_touch_another_persons_place(tree):
    _member_login(tree)
    c = course(tree)
    theirs = enrolled(tree, c)
    r = client(tree.member_user).post(reverse("training:my_cancel", args=[theirs.pk]))
    assert r.status_code == 404
    assert Enrolment.objects.get(pk=theirs.pk).status == "ENROLLED"


def test_member_page_without_a_person_is_404(tree):
    assert client(tree.member_user).get(reverse("training:my_courses")).status_code == 404
    assert client(tree.town1_cadre).get(reverse("training:my_courses")).status_code == 404


def test_member_page_shows_a_full_course_refusal(tree):
    _member_login(tree)
    c = course(tree, capacity=1, waitlist_limit=0)
    enrolled(tree, c)
    r = client(tree.member_user).post(reverse("training:my_enrol", args=[c.pk]), follow=True)
    assert r.status_code == 200
    assert services.DomainError  # the message is shown, nothing saved
    assert Enrolment.objects.filter(course=c).count() == 1


def test_a_cancelled_place_leaves_the_course_open_to_the_member(tree):
    person = _member_login(tree)
    c = course(tree, capacity=3)
    enrolled(tree, c)
    x = enrolled(tree, c, person=person)
    services.cancel_enrolment(actor=tree.district_staff, enrolment=x)
    r = client(tree.member_user).get(reverse("training:my_courses"))
    assert c in r.context["open_courses"]


def test_overview_card_counts_the_years_places(tree, django_assert_max_num_queries):
    from gonghui.training.selectors.enrolment import overview_card

    c = course(tree, capacity=1, waitlist_limit=2)
    x = enrolled(tree, c)
    enrolled(tree, c)
    enrolled(tree, c)
    services.cancel_enrolment(actor=tree.district_staff, enrolment=x)
    with django_assert_max_num_queries(2):
        card = overview_card(tree.town1_cadre)
    assert [r.value for r in card.rows] == [1, 1, 1]
    assert [r.value for r in overview_card(tree.town2_cadre).rows] == [0, 0, 0]
    assert overview_card(tree.member_user) is None


def test_enrol_page_course_access(tree):
    own = course(tree, org=tree.town1)
    other_town = course(tree, org=tree.town2)
    closed = course(tree, org=tree.town1, status="CLOSED")
    web = client(tree.union1_chair)
    assert web.get(reverse("training:enrolment_create"), {"course": own.pk}).status_code == 200
    assert web.get(reverse("training:enrolment_create"), {"course": other_town.pk}).status_code == 404
    assert web.get(reverse("training:enrolment_create"), {"course": closed.pk}).status_code == 404
    assert web.get(reverse("training:enrolment_create"), {"course": "x"}).status_code == 404
    assert client(tree.town2_cadre).get(reverse("training:enrolment_create"), {"course": own.pk}).status_code == 404
    assert client(tree.district_staff).get(reverse("training:enrolment_create"),
                                           {"course": other_town.pk}).status_code == 200


def test_member_page_query_budget_and_next_session(tree, django_assert_max_num_queries):
    person = _member_login(tree)
    for _ in range(3):
        c = course(tree, capacity=5)
        enrolled(tree, c, person=person) if _ == 0 else course(tree)
    web = client(tree.member_user)
    with django_assert_max_num_queries(16):
        r = web.get(reverse("training:my_courses"))
    assert r.status_code == 200 and "第1讲" in r.content.decode()


def test_organiser_enrols_one_worker_by_id_number(tree):
    c = course(tree, org=tree.town1, capacity=1, waitlist_limit=0)
    a, b = tree.member().person, tree.member().person
    web = client(tree.town1_cadre)
    url = reverse("training:enrolment_create")
    r = web.post(url, {"course": c.pk, "one": "1", "one-id_number": a.id_number().lower()})
    assert r.status_code == 302
    assert Enrolment.objects.get(person=a).channel == "STAFF"
    r = web.post(url, {"course": c.pk, "one": "1", "one-id_number": b.id_number()})
    assert r.status_code == 400 and ("full" in r.content.decode() or "课程已满" in r.content.decode())
    r = web.post(url, {"course": c.pk, "one": "1", "one-id_number": "330181199001010000"})
    assert r.status_code == 400 and ("No worker" in r.content.decode() or "没有此身份证号码" in r.content.decode())
    stranger = tree.member(union=tree.union2).person
    r = web.post(url, {"course": c.pk, "one": "1", "one-id_number": stranger.id_number()})
    assert r.status_code == 400  # not in town1's part of the registry
    assert Enrolment.objects.count() == 1
    # a union chair has no organiser form
    r = client(tree.union1_chair).get(url, {"course": c.pk})
    assert "one_form" not in r.context
