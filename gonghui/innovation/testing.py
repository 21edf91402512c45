"""Test builders: a suggestion or a technical project brought to a status through the real
services (so every row is one the services could have written, with its audit trail)."""

import datetime
from decimal import Decimal

from . import services
from .models import ProjectStatus, SuggestionKind, SuggestionStatus
from .services import ProjectInput, SuggestionInput, TeamInput

SCORES = {"innovation": 25, "feasibility": 24, "economic": 20, "safety": 12}  # 81: grade B


def days_ago(n):
    return services.today() - datetime.timedelta(days=n)


def suggestion(*, actor, org, enterprise, status=SuggestionStatus.SUBMITTED, kind=SuggestionKind.RATIONALISATION,
               title="改进注塑机冷却水路", submitter_person=None, submitter_name="王小明", scores=None):
    s = services.submit_suggestion(
        actor=actor, org=org, enterprise=enterprise, submitter_person=submitter_person,
        data=SuggestionInput(kind=kind, title=title, problem="冷却时间长，能耗高", proposal="增加分流水路",
                             expected_benefit="每年节电约2万度", submitted_on=days_ago(40),
                             submitter_name=submitter_name if submitter_person is None else "",
                             co_authors=["李工", "赵师傅"]))
    if status == SuggestionStatus.SUBMITTED:
        return s
    if status == SuggestionStatus.WITHDRAWN:
        return services.withdraw_suggestion(actor=actor, suggestion=s, withdrawn_on=days_ago(35), reason="重复")
    if status == SuggestionStatus.NOT_ADOPTED:
        return services.decline_suggestion(actor=actor, suggestion=s, decided_on=days_ago(30), reason="成本过高")
    s = services.evaluate_suggestion(actor=actor, suggestion=s, scores=scores or SCORES, evaluated_on=days_ago(30),
                                     evaluators=["张评委", "钱评委"])
    if status == SuggestionStatus.EVALUATED:
        return s
    s = services.adopt_suggestion(actor=actor, suggestion=s, decided_on=days_ago(25))
    if status == SuggestionStatus.ADOPTED:
        return s
    return services.implement_suggestion(actor=actor, suggestion=s, implemented_on=days_ago(20),
                                         benefit_yuan=Decimal("18000.00"), measured_on=days_ago(10))


def project(*, actor, org, enterprise, status=ProjectStatus.IN_PROGRESS, title="降低焊接不良率攻关",
            milestones=()):
    """`milestones`: (title, due_on, done_on or None) added after the start."""
    started = days_ago(60) if status != ProjectStatus.PLANNED else None
    p = services.create_project(actor=actor, org=org, enterprise=enterprise, data=ProjectInput(
        title=title, goal="焊接不良率由3%降至1%以下", planned_end_on=services.today() + datetime.timedelta(days=120),
        started_on=started, team=[TeamInput("周组长", is_leader=True, role="技术员"), TeamInput("吴师傅")]))
    for name, due_on, done_on in milestones:
        m = services.add_milestone(actor=actor, project=p, title=name, due_on=due_on)
        if done_on:
            services.complete_milestone(actor=actor, project=p, milestone_id=m.pk, done_on=done_on)
    if status == ProjectStatus.COMPLETED:
        p = services.complete_project(actor=actor, project=p, completed_on=days_ago(1), result="不良率降至0.8%",
                                      benefit_yuan=Decimal("56000.00"))
    elif status == ProjectStatus.ABANDONED:
        p = services.abandon_project(actor=actor, project=p, abandoned_on=days_ago(1), reason="设备停产")
    return p
