"""Builders for the on-the-job activity tests."""

import datetime

from gonghui.competitions.services import activities as services


def activity(tree, *, org=None, actor=None, kind="TRAINING", title="数控车工岗位练兵", participants=0):
    org = org or tree.union1
    actor = actor or (tree.union1_chair if org == tree.union1 else tree.district_staff)
    a = services.create_activity(actor=actor, org=org, kind=kind, title=title, held_on=datetime.date(2026, 5, 12),
                                 place="一号车间")
    for _n in range(participants):
        person = tree.member(union=org).person
        services.add_participant(actor=actor, activity=a, person=person, result="合格")
    return type(a).objects.get(pk=a.pk)
