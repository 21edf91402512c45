"""API of the `home` area: `GET /my/membership` — the signed-in worker's own membership.

Answers about the caller only (no id, nothing of anyone else to probe). A login not linked to a
registry person (a worker before 实名入会, a cadre) gets `member: false` and `person: null`, so an
app can show the call to join instead of an error. Identity numbers are masked, as on the page.
"""

import datetime

from ninja import Field, Router

from gonghui.core.api_support import READ_ERRORS, ApiSchema

from .selectors import home as selectors

router = Router(tags=["portal-home"])


class PersonOut(ApiSchema):
    name: str
    id_number_masked: str
    phone_masked: str


class PeriodOut(ApiSchema):
    union_id: int
    union: str
    enterprise_id: int | None
    enterprise: str
    joined_on: datetime.date
    join_kind: str
    join_kind_label: str
    ended_on: datetime.date | None
    end_reason: str
    status: str
    status_label: str


class TransferOut(ApiSchema):
    id: int
    from_union: str
    to_union: str
    to_enterprise: str
    effective_on: datetime.date
    status: str
    status_label: str
    decision_note: str


class MyMembershipOut(ApiSchema):
    member: bool = Field(description="True while the person holds a live membership (active or transfer pending).")
    person: PersonOut | None
    current: PeriodOut | None = Field(description="The live period, if any.")
    member_since: datetime.date | None = Field(description="First day of the earliest period.")
    periods: list[PeriodOut] = Field(description="Every period, newest first.")
    pending_transfer: TransferOut | None
    transfers: list[TransferOut] = Field(description="Every transfer, newest first.")
    card_url: str | None = Field(description="The member e-card page (while a member).")


def period_out(m) -> dict:
    return {"union_id": m.union_id, "union": m.union.name, "enterprise_id": m.enterprise_id,
            "enterprise": m.enterprise.name if m.enterprise else "", "joined_on": m.joined_on,
            "join_kind": m.join_kind, "join_kind_label": str(m.get_join_kind_display()), "ended_on": m.ended_on,
            "end_reason": m.end_reason, "status": m.status, "status_label": str(m.get_status_display())}


def transfer_out(t) -> dict:
    return {"id": t.pk, "from_union": t.from_union.name, "to_union": t.to_union.name,
            "to_enterprise": t.to_enterprise.name if t.to_enterprise else "", "effective_on": t.effective_on,
            "status": t.status, "status_label": str(t.get_status_display()), "decision_note": t.decision_note}


def membership_out(m: selectors.MyMembership) -> dict:
    person = m.person
    live, pending = m.live, m.pending_transfer
    return {
        "member": m.is_member,
        "person": {"name": person.name, "id_number_masked": person.id_number_masked,
                   "phone_masked": person.phone_masked} if person else None,
        "current": period_out(live) if live else None,
        "member_since": m.member_since,
        "periods": [period_out(p) for p in m.periods],
        "pending_transfer": transfer_out(pending) if pending else None,
        "transfers": [transfer_out(t) for t in m.transfers],
        "card_url": selectors.url_or_none("services:my_card") if live else None,
    }


@router.get("/my/membership", response={200: MyMembershipOut, **READ_ERRORS}, summary="My membership (my own)")
def my_membership(request):
    return membership_out(selectors.my_membership(request.auth))
