"""seed_demo's surveys (core.demo.voice.surveys) at small scale: open, closed and draft surveys of
the district, town1, town2 and union1, responses in several towns, member1 sees an open survey to
answer, and the demo accounts' pages have data."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.voice.models.surveys import Survey, SurveyResponse, SurveyStatus
from gonghui.voice.selectors import surveys as selectors

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_the_small_demo(seeded):
    assert {s.status for s in Survey.objects.all()} == set(SurveyStatus.values)
    assert SurveyResponse.objects.values("town").distinct().count() >= 3
    for s in Survey.objects.exclude(status=SurveyStatus.DRAFT):
        assert s.response_count == s.responses.count() <= s.targeted_count, s.title
        assert sum(s.targeted_by_town.values()) == s.targeted_count
    for name in ("district", "town1", "town2", "union1"):
        assert Survey.objects.visible_to(seeded[name]).exists(), name
    year = selectors.today().year
    assert selectors.participation_by_town(seeded["district"], year)
    member = Client()
    member.force_login(seeded["member1"])
    page = member.get(reverse("voice:my_surveys"))
    assert page.status_code == 200 and "区总工会服务职工满意度测评" in page.content.decode()
    c = Client()
    c.force_login(seeded["town1"])
    assert c.get(reverse("voice:survey_list")).status_code == 200
    s = Survey.objects.visible_to(seeded["town1"]).filter(status=SurveyStatus.OPEN).first()
    assert c.get(reverse("voice:survey_detail", args=[s.pk])).status_code == 200
    r = c.get(reverse("voice:survey_results", args=[s.pk]), {"by": "age_band"})
    assert r.status_code == 200 and 'data-chart="survey-q' in r.content.decode()
