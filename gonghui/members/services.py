"""Every write to the member registry. Each function is atomic, checks policy, validates,
locks what it changes in pk order, and writes the audit trail."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, pii
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock, lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import Org, OrgLevel

from .models import (
    LIVE_STATUSES,
    JoinKind,
    Membership,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from .validation import MemberInput

PERSON_EDITABLE = ("name", "phone", "hometown_province", "is_migrant", "education", "skill_level")


def _require_union(union, field="union"):
    if union.level != OrgLevel.GRASSROOTS or not union.is_active:
        raise DomainError(_("Members belong to an active grassroots union; %(org)s is not one.")
                          % {"org": union}, code="not_a_union", field=field)


def _check_enterprise(enterprise, union, field="enterprise"):
    """The employer is the union's own enterprise, or one in the union's town that has no union
    of its own yet (a joint union's small firms)."""
    if enterprise is None or enterprise.union_id == union.pk:
        return
    if enterprise.union_id is not None or not union.path.startswith(enterprise.town.path):
        raise DomainError(_("%(enterprise)s belongs to another union.") % {"enterprise": enterprise},
                          code="enterprise_other_union", field=field)


def already_member_error(membership):
    return DomainError(
        _("This person is already a member of %(union)s — ask that union to request a transfer.")
        % {"union": membership.union.name},
        code="already_member", field="id_number",
    )


def live_membership_of(person_hash):
    return (Membership.objects.select_related("union")
            .filter(person__id_number_hash=person_hash, status__in=LIVE_STATUSES).first())


def person_from_input(data: MemberInput) -> Person:
    person = Person(
        name=data.name, name_initials=data.name_initials, gender=data.gender, birth_on=data.birth_on,
        hometown_province=data.hometown_province, is_migrant=data.is_migrant,
        education=data.education, skill_level=data.skill_level,
    )
    person.set_id_number(data.id_number)
    if data.phone:
        person.set_phone(data.phone)
    return person


@transaction.atomic
def register_member(*, actor, union, data: MemberInput, enterprise=None) -> Membership:
    """Enrol a person in a union: a new Person, or a new period for someone who left before.
    A person with a live membership anywhere is refused with where they are (request a transfer)."""
    require(actor, "members.change", union)
    _require_union(union)
    _check_enterprise(enterprise, union)
    id_hash = pii.lookup_hash(data.id_number)
    existing = Person.objects.select_for_update().filter(id_number_hash=id_hash).first()
    if existing is not None:
        live = live_membership_of(id_hash)
        if live is not None:
            raise already_member_error(live)
        person, join_kind = existing, JoinKind.REJOIN
        before = audit.snapshot(person)
        _apply_person_changes(person, data)
        person.save()
        person.rename_memberships()
        audit.record(actor=actor, action="members.person.update", obj=person, org=union,
                     before=before, after=audit.snapshot(person))
    else:
        person, join_kind = person_from_input(data), JoinKind.NEW
        person.full_clean(exclude=["id_number_enc", "phone_enc"])
        person.save()
        audit.record(actor=actor, action="members.person.create", obj=person, org=union,
                     after=audit.snapshot(person))
    membership = Membership(person=person, union=union, enterprise=enterprise, joined_on=data.joined_on,
                            join_kind=join_kind, status=MembershipStatus.ACTIVE)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise DomainError(_("This person was just registered by someone else; refresh and check."),
                          code="already_member", field="id_number") from exc
    audit.record(actor=actor, action="members.membership.create", obj=membership, org=union,
                 after=audit.snapshot(membership))
    return membership


def _apply_person_changes(person, data: MemberInput):
    person.name, person.name_initials = data.name, data.name_initials
    person.hometown_province, person.is_migrant = data.hometown_province, data.is_migrant
    person.education, person.skill_level = data.education, data.skill_level
    if data.phone:
        person.set_phone(data.phone)


def current_membership(person):
    return (person.memberships.select_related("union").filter(status__in=LIVE_STATUSES).first()
            or person.memberships.select_related("union").order_by("-joined_on", "-id").first())


@transaction.atomic
def update_person(*, actor, person, data: MemberInput):
    """Correct a person's details. The ID number is the identity and cannot change here."""
    membership = current_membership(person)
    require(actor, "members.change", membership.union if membership else None)
    person = lock_one(Person, person.pk)
    if pii.lookup_hash(data.id_number) != person.id_number_hash:
        raise DomainError(_("The ID card number identifies the person and cannot be changed; "
                            "register the correct person instead."), code="id_immutable", field="id_number")
    before = audit.snapshot(person)
    _apply_person_changes(person, data)
    if not data.phone and person.phone_enc:
        person.phone_enc = person.phone_hash = person.phone_masked = ""
    person.save()
    if "name" in audit.changed(before, audit.snapshot(person))[1]:
        person.rename_memberships()
    old, new = audit.changed(before, audit.snapshot(person))
    if new:
        audit.record(actor=actor, action="members.person.update", obj=person,
                     org=membership.union if membership else None, before=old, after=new)
    return person


@transaction.atomic
def end_membership(*, actor, membership, ended_on: datetime.date, reason: str):
    require(actor, "members.change", membership.union)
    membership = lock_one(Membership, membership.pk)
    if membership.status != MembershipStatus.ACTIVE:
        raise DomainError(_("Only an active membership can be ended (this one is: %(status)s).")
                          % {"status": membership.get_status_display()}, code="not_active")
    if ended_on < membership.joined_on:
        raise DomainError(_("The leaving date is before the joining date."), code="ends_before_start",
                          field="ended_on")
    if ended_on > timezone.localdate():
        raise DomainError(_("The leaving date is in the future; record the leaving on or after that day."),
                          code="date_in_future", field="ended_on")
    if not reason.strip():
        raise DomainError(_("Give the reason for leaving."), code="reason_required", field="reason")
    before = audit.snapshot(membership)
    membership.status, membership.ended_on, membership.end_reason = MembershipStatus.LEFT, ended_on, reason
    membership.save()
    old_values, new_values = audit.changed(before, audit.snapshot(membership))
    audit.record(actor=actor, action="members.membership.end", obj=membership, org=membership.union,
                 before=old_values, after=new_values)
    return membership


@transaction.atomic
def request_transfer(*, actor, membership, to_union, effective_on: datetime.date, reason="",
                     to_enterprise=None) -> Transfer:
    """The releasing union starts a transfer; the member stays theirs until it is accepted."""
    require(actor, "members.transfer", membership.union)
    return _open_transfer(actor=actor, membership=membership, to_union=to_union, effective_on=effective_on,
                          reason=reason, to_enterprise=to_enterprise)


@transaction.atomic
def request_own_transfer(*, actor, membership, to_union, effective_on: datetime.date, reason="",
                         to_enterprise=None) -> Transfer:
    """The member asks for their own transfer on the member portal (changing jobs): `actor` must
    be the person's portal login. The receiving union accepts it like any transfer."""
    if not Person.objects.filter(pk=membership.person_id, account_id=getattr(actor, "pk", None) or 0).exists():
        raise PermissionDenied(_("You are not allowed to do this here."))
    return _open_transfer(actor=actor, membership=membership, to_union=to_union, effective_on=effective_on,
                          reason=reason, to_enterprise=to_enterprise)


def _open_transfer(*, actor, membership, to_union, effective_on, reason, to_enterprise) -> Transfer:
    membership = lock_one(Membership, membership.pk)
    to_union = Org.objects.get(pk=to_union.pk)
    _require_union(to_union, field="to_union")
    _check_enterprise(to_enterprise, to_union, field="to_enterprise")
    if membership.status != MembershipStatus.ACTIVE:
        raise DomainError(_("Only an active membership can be transferred (this one is: %(status)s).")
                          % {"status": membership.get_status_display()}, code="not_active")
    if to_union.pk == membership.union_id:
        raise DomainError(_("The member is already in %(union)s.") % {"union": to_union},
                          code="same_union", field="to_union")
    if effective_on < membership.joined_on:
        raise DomainError(_("The transfer date is before the member joined."), code="ends_before_start",
                          field="effective_on")
    if effective_on > timezone.localdate():
        # A period must not close in the future: the registry records what has happened.
        raise DomainError(_("The transfer date is in the future; request the transfer on or after that day."),
                          code="date_in_future", field="effective_on")
    transfer = Transfer(person_id=membership.person_id, from_membership=membership,
                        from_union_id=membership.union_id, to_union=to_union, to_enterprise=to_enterprise,
                        effective_on=effective_on, reason=reason, requested_by=actor)
    transfer.save()
    membership.status = MembershipStatus.TRANSFER_PENDING
    membership.save(update_fields=["status"])
    audit.record(actor=actor, action="members.transfer.request", obj=transfer, org=membership.union,
                 after=audit.snapshot(transfer))
    return transfer


def _lock_pending(transfer):
    transfer = lock_one(Transfer, transfer.pk)
    if transfer.status != TransferStatus.PENDING:
        raise DomainError(_("This transfer was already %(status)s.") % {"status": transfer.get_status_display()},
                          code="transfer_decided")
    return transfer


def _decide(transfer, actor, status, note):
    transfer.status, transfer.decided_by = status, actor
    transfer.decided_at, transfer.decision_note = timezone.now(), note
    transfer.save()


@transaction.atomic
def accept_transfer(*, actor, transfer, note="") -> Membership:
    """The receiving union accepts: the old period closes and a new one opens, both kept.
    Two people accepting at once: the row lock makes the second see a decided transfer."""
    require(actor, "members.transfer", transfer.to_union)
    transfer = _lock_pending(transfer)
    # The person first, in the same order as update_person: a rename running at the same time
    # then either finishes before this copies the name or waits and renames the new period too.
    person = lock_one(Person, transfer.person_id)
    old = lock(Membership.objects.filter(pk=transfer.from_membership_id))[0]
    before = audit.snapshot(old)
    old.status, old.ended_on = MembershipStatus.TRANSFERRED_OUT, max(transfer.effective_on, old.joined_on)
    old.end_reason = _("Transferred to %(union)s") % {"union": transfer.to_union.name}
    old.save()
    new = Membership(person_id=transfer.person_id, union_id=transfer.to_union_id,
                     enterprise=transfer.to_enterprise, joined_on=old.ended_on,
                     join_kind=JoinKind.TRANSFER_IN, status=MembershipStatus.ACTIVE,
                     person_name=person.name, person_initials=person.name_initials)
    new.save()
    transfer.to_membership = new
    _decide(transfer, actor, TransferStatus.ACCEPTED, note)
    old_values, new_values = audit.changed(before, audit.snapshot(old))
    audit.record(actor=actor, action="members.membership.transfer_out", obj=old, org=transfer.from_union,
                 before=old_values, after=new_values)
    audit.record(actor=actor, action="members.transfer.accept", obj=transfer, org=transfer.to_union,
                 after={"status": transfer.status, "to_membership": new.pk, "note": note})
    return new


@transaction.atomic
def reject_transfer(*, actor, transfer, note) -> Transfer:
    require(actor, "members.transfer", transfer.to_union)
    if not note.strip():
        raise DomainError(_("Say why the transfer is rejected."), code="note_required", field="note")
    transfer = _lock_pending(transfer)
    _reopen(transfer)
    _decide(transfer, actor, TransferStatus.REJECTED, note)
    audit.record(actor=actor, action="members.transfer.reject", obj=transfer, org=transfer.to_union,
                 after={"status": transfer.status, "note": note})
    return transfer


@transaction.atomic
def cancel_transfer(*, actor, transfer, note="") -> Transfer:
    require(actor, "members.transfer", transfer.from_union)
    transfer = _lock_pending(transfer)
    _reopen(transfer)
    _decide(transfer, actor, TransferStatus.CANCELLED, note)
    audit.record(actor=actor, action="members.transfer.cancel", obj=transfer, org=transfer.from_union,
                 after={"status": transfer.status, "note": note})
    return transfer


def _reopen(transfer):
    membership = lock_one(Membership, transfer.from_membership_id)
    membership.status = MembershipStatus.ACTIVE
    membership.save(update_fields=["status"])


def reveal_person_pii(*, actor, person) -> dict:
    """Full ID and phone for one person, for an actor allowed to see them. Always audited."""
    membership = current_membership(person)
    require(actor, "members.reveal_pii", membership.union if membership else None)
    audit.record(actor=actor, action="members.person.reveal_pii", obj=person,
                 org=membership.union if membership else None, after={"fields": ["id_number", "phone"]})
    return {"id_number": person.id_number(), "phone": person.phone()}


def change_skill_level(*, actor, person, level: str, reason: str) -> Person:
    """Record a new skill level (技能等级) on a person, e.g. after a 名师带徒 final assessment or a
    technician study course: the actor needs `members.change` on the person's union. `reason`
    says where the change comes from and is kept in the audit trail."""
    from .models import SkillLevel

    if level not in SkillLevel.values:
        raise DomainError(_("Choose a skill level from the list."), code="bad_skill_level", field="skill_level")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the skill level changes."), code="reason_required", field="reason")
    with transaction.atomic():
        person = lock_one(Person, person.pk)
        membership = current_membership(person)
        require(actor, "members.change", membership.union if membership else None)
        before = person.skill_level
        if before == level:
            return person
        person.skill_level = level
        person.save(update_fields=["skill_level", "updated_at"])
        audit.record(actor=actor, action="members.person.skill_level", obj=person,
                     org=membership.union if membership else None,
                     before={"skill_level": before}, after={"skill_level": level, "reason": reason})
    return person


def link_member_account(*, actor, person, user) -> Person:
    """Make `user` the member-portal login of `person` (one login per person, one person per login).
    The actor needs `members.change` on the person's union; the link is audited."""
    with transaction.atomic():
        person = lock_one(Person, person.pk)
        membership = current_membership(person)
        require(actor, "members.change", membership.union if membership else None)
        other = Person.objects.filter(account=user).exclude(pk=person.pk).first()
        if other is not None:
            raise DomainError(_("This account is already the login of another person."),
                              code="account_taken", field="account")
        person.account = user
        person.save(update_fields=["account", "updated_at"])
        audit.record(actor=actor, action="members.person.link_account", obj=person,
                     org=membership.union if membership else None, after={"account": user.username})
    return person
