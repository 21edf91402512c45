"""Who may do what in collective wage negotiation.

Actions (granted per role in accounts/roles.py, each reaching the subtree of the role's org):
- `bargaining.view`: see the negotiations of the subtree, and those covering its enterprises;
- `bargaining.change`: record the steps of a negotiation whose union party is in the subtree
  (a union chair sees the area agreement that binds their enterprise, but the town records it);
- `bargaining.import` / `bargaining.export`: bulk import of existing agreements, Excel export.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from .models import CONCLUDED_STAGES, OPEN_STAGES, Stage

VIEW = "bargaining.view"
CHANGE = "bargaining.change"
IMPORT = "bargaining.import"
EXPORT = "bargaining.export"


def can_view(user) -> bool:
    return user.is_authenticated and user.can(VIEW)


def can_start(user) -> bool:
    return user.is_authenticated and user.can(CHANGE)


def can_import(user) -> bool:
    return user.is_authenticated and user.can(IMPORT)


def can_export(user) -> bool:
    return user.is_authenticated and user.can(EXPORT)


@dataclass(frozen=True)
class AgreementActions:
    edit_offer: bool = False
    reply: bool = False
    schedule: bool = False
    representatives: bool = False
    data: bool = False
    round: bool = False
    terms: bool = False
    vote: bool = False
    sign: bool = False
    attach: bool = False
    file: bool = False
    objection: bool = False
    publish: bool = False
    renew: bool = False
    cancel: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def agreement_actions(user, agreement, *, has_renewal=False) -> AgreementActions:
    if not user.can(CHANGE, agreement.org):
        return AgreementActions()
    stage = agreement.stage
    talking = stage in (Stage.REPLIED, Stage.IN_TALKS)
    return AgreementActions(
        edit_offer=stage in (Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS),
        reply=stage == Stage.OFFERED,
        schedule=stage == Stage.REPLIED,
        representatives=stage in (Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS),
        data=talking,
        round=talking,
        terms=stage in (Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS),
        vote=stage == Stage.IN_TALKS,
        sign=stage == Stage.APPROVED,
        attach=stage in CONCLUDED_STAGES,
        file=stage == Stage.SIGNED,
        objection=stage == Stage.FILED,
        publish=stage == Stage.EFFECTIVE,
        renew=stage in CONCLUDED_STAGES and not has_renewal,
        cancel=stage in OPEN_STAGES,
    )
