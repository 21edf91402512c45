"""The daily re-check reminder: chairs and town cadres are told once when the re-check comes
within the warning period and once more when it is overdue; never twice for the same stage."""

import datetime

import pytest

from gonghui.core.models import Notification
from gonghui.grassroots.models.homes import HomeAssessment, HomeAssessmentStatus
from gonghui.grassroots.services import homes as services
from gonghui.grassroots.tasks.homes import remind_home_rechecks_task
from gonghui.grassroots.testing.homes import assessment

pytestmark = pytest.mark.django_db
TODAY = services.today()


def test_reminders_once_per_stage(tree):
    award = assessment(tree, HomeAssessmentStatus.AWARDED)
    HomeAssessment.objects.filter(pk=award.pk).update(recheck_due_on=TODAY + datetime.timedelta(days=91))
    assert remind_home_rechecks_task() == 0  # outside the 90-day warning period
    HomeAssessment.objects.filter(pk=award.pk).update(recheck_due_on=TODAY + datetime.timedelta(days=90))
    assert remind_home_rechecks_task() == 2  # union1's chair and town1's cadre
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"union1", "town1"}
    assert remind_home_rechecks_task() == 0
    HomeAssessment.objects.filter(pk=award.pk).update(recheck_due_on=TODAY - datetime.timedelta(days=1))
    assert remind_home_rechecks_task() == 2
    assert remind_home_rechecks_task() == 0
    assert Notification.objects.filter(key__endswith=":OVERDUE").count() == 2


def test_no_reminder_once_the_recheck_is_open(tree):
    award = assessment(tree, HomeAssessmentStatus.AWARDED)
    HomeAssessment.objects.filter(pk=award.pk).update(recheck_due_on=TODAY - datetime.timedelta(days=1))
    services.start_recheck(actor=tree.union1_chair, award=award)
    assert remind_home_rechecks_task() == 0


def test_an_award_whose_recheck_is_under_way_is_not_counted_as_due(tree):
    from django.test import Client
    from django.urls import reverse

    from gonghui.grassroots.selectors.homes import due_rechecks_summary

    award = assessment(tree, HomeAssessmentStatus.AWARDED)
    HomeAssessment.objects.filter(pk=award.pk).update(recheck_due_on=TODAY - datetime.timedelta(days=1))
    client = Client()
    client.force_login(tree.town1_cadre)
    link = f'href="{reverse("grassroots:home_detail", args=[award.pk])}"'

    def listed(due):
        return link in client.get(reverse("grassroots:home_list"), {"due": due}).content.decode()

    assert due_rechecks_summary(tree.town1_cadre).overdue == 1
    assert listed("recheck") and listed("recheck_overdue")
    recheck = services.start_recheck(actor=tree.union1_chair, award=award)
    line = due_rechecks_summary(tree.town1_cadre)
    assert (line.overdue, line.soon) == (0, 0)
    assert not listed("recheck") and not listed("recheck_overdue")
    services.withdraw_assessment(actor=tree.union1_chair, assessment=recheck)
    assert due_rechecks_summary(tree.town1_cadre).overdue == 1
