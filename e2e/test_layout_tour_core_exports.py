"""The layout tour (see test_layout_tour.py) of the exports: the background export's status page
while it runs, when it is ready and when it failed, and the list pages that gained an export
button (members, transfers, imports, the audit trail, award types, payment batches, contest
trades, harmony indicators, home standards, training targets, an event's check-in list,
technical projects, users and roles, redemptions per month), at 1280 and 390 px."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import ExportJob
from gonghui.core.testing.factories import Tree
from gonghui.grassroots.testing import harmony as harmony_testing
from gonghui.grassroots.testing import homes as homes_testing
from gonghui.honours.testing import awards as awards_testing
from gonghui.innovation import testing as innovation_testing
from gonghui.members import exporting
from gonghui.members import services as member_services
from gonghui.services.testing import events as events_testing
from gonghui.training.testing.stats import target

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(tree):
    """A little of everything the new exports list, and three export jobs of the district user."""
    for n in range(3):
        tree.member(tree.union1, name=f"导出{n}")
    moving = tree.member(tree.union1, name="调动者")
    member_services.request_transfer(actor=tree.district_staff, membership=moving, to_union=tree.union2,
                                     effective_on=datetime.date.today())
    audit.record(actor=tree.district_staff, action="orgs.org.update", obj=tree.union1, org=tree.union1,
                 before={"name": "旧名"}, after={"name": tree.union1.name})
    awards_testing.quota(tree, "GOLD_GEAR", org=tree.town1, places=3, year=datetime.date.today().year)
    harmony_testing.published_set(actor=tree.district_staff)
    homes_testing.published_standard(tree.district_staff)
    target(tree.town1, datetime.date.today().year, 40, 120, "360")
    event = events_testing.event(tree, org=tree.district, capacity=5)
    events_testing.registered(tree, event, union=tree.union1)
    innovation_testing.project(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise1)
    jobs = {}
    for status, done, rows, message in (("RUNNING", 240_000, 600_123, ""), ("DONE", 600_123, 600_123, ""),
                                        ("FAILED", 0, 0, "您已无权导出这些记录。")):
        now = timezone.now()
        job = ExportJob.objects.create(
            id=uuid.uuid4().hex, user=tree.district_staff, kind=exporting.MEMBERS.key,
            module=exporting.MEMBERS.module, label="会员导出", params=[["status", ["all"]]], status=status,
            rows=rows, done=done, message=message, note="身份证号和手机号已脱敏。", language="zh-hans",
            created_at=now, updated_at=now, claimed_at=now if status != "PENDING" else None,
            finished_at=now if status in ("DONE", "FAILED") else None)
        jobs[status] = job.pk
    return event, jobs


def pages(event, jobs):
    status = [(f"export-job-{state.lower()}", reverse("core:export_status", args=[job_id]))
              for state, job_id in jobs.items()]
    return [
        ("district", [
            *status,
            ("export-members", reverse("members:list")),
            ("export-transfers", reverse("members:transfer_list") + "?tab=outgoing"),
            ("export-imports", reverse("members:import_list")),
            ("export-audit", reverse("core:audit_list")),
            ("export-award-types", reverse("honours:award_type_list")),
            ("export-batches", reverse("honours:reward_batch_list")),
            ("export-trades", reverse("competitions:contest_trade_list")),
            ("export-indicators", reverse("grassroots:harmony_indicator_list")),
            ("export-standards", reverse("grassroots:home_standard_list")),
            ("export-targets", reverse("training:target_list")),
            ("export-event", reverse("services:event_detail", args=[event.pk])),
            ("export-projects", reverse("innovation:project_list")),
            ("export-roles", reverse("accounts:role_list")),
            ("export-redemptions", reverse("services:benefit_stats")),
        ]),
    ]


def test_exports_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    event, jobs = build(tree)
    problems = walk(browser, live_server, pages(event, jobs), tour_screenshots)
    assert not problems, "\n".join(problems)
