"""Builders for liaison tests: rows as the services would write them, without the date checks
(so quarter boundaries in the past can be set up directly)."""

import datetime

from gonghui.grassroots.models.liaison import (
    AssignmentStatus,
    FollowUpStatus,
    LiaisonAssignment,
    LiaisonFollowUp,
    LiaisonVisit,
    LiaisonVisitTopic,
)


def assignment(enterprise, *, cadre=None, cadre_name="", starts_on=datetime.date(2026, 1, 1), ends_on=None,
               status=AssignmentStatus.ACTIVE):
    name = cadre_name or (cadre.username if cadre is not None else "某干部")
    return LiaisonAssignment.objects.create(town=enterprise.town, enterprise=enterprise, cadre=cadre, cadre_name=name,
                                            starts_on=starts_on, ends_on=ends_on, status=status)


def visit(enterprise, visited_on, *, cadre=None, cadre_name="某干部", topics=("CONGRESS",), problems="", notes="走访"):
    v = LiaisonVisit.objects.create(town=enterprise.town, enterprise=enterprise, visited_on=visited_on, cadre=cadre,
                                    cadre_name=cadre.username if cadre is not None else cadre_name, notes=notes,
                                    problems=problems)
    LiaisonVisitTopic.objects.bulk_create([LiaisonVisitTopic(visit=v, topic=t) for t in topics])
    return v


def follow_up(v, due_on, *, owner=None, owner_name="某干部", status=FollowUpStatus.OPEN, closed_on=None):
    return LiaisonFollowUp.objects.create(visit=v, town=v.town, enterprise=v.enterprise, action="跟进整改",
                                          owner=owner, owner_name=owner.username if owner else owner_name,
                                          due_on=due_on, status=status, closed_on=closed_on)
