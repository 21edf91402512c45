"""The write layer of the `joins` area: 实名入会 and the member's own transfer request.

- `submit_join`: a worker's login asks to join. Every field is checked first (name, ID card number
  by its check digit — birth date and gender come from it —, mobile, hometown province, the
  workplace, the charter accepted), then in one transaction: no open request of this login or
  this ID, no live membership of this ID (a member changing jobs asks for a transfer instead), the
  route (the enterprise's union; else its town, or the town chosen for an unregistered
  enterprise), the row, the audit row, a notification to the deciding org's staff.
- `approve_join` (`portal.change` on the deciding org): the row locked, still pending (two
  approvers at once: the second finds it decided), the union (the enterprise's, or the one the
  town's cadre chose in the town), then `members.services.register_member` (a new person, or a
  new period for someone who left) and `link_member_account` (the login becomes the member's),
  the row, the audit row, the worker told. Any refusal undoes all of it.
- `reject_join` (with a reason, told to the worker), `withdraw_join` (the worker, while pending).
- `request_my_transfer`: a member changing jobs names the new enterprise → a registry transfer
  (`members.services.request_own_transfer`) that the receiving union accepts on the transfer pages.
- `export_join_requests`: the filtered list as .xlsx, ID and mobile masked, audited.
"""

import datetime
import tempfile
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit, pii
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.notifications import notify
from gonghui.core.policies import require
from gonghui.core.text import pinyin_initials
from gonghui.members import services as member_services
from gonghui.members.models import MembershipStatus, Person, SkillLevel
from gonghui.members.selectors import person_of_account
from gonghui.members.validation import MemberInput, MemberInputError, clean_member_input
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from ..models.joins import JoinChannel, JoinRequest, JoinRoute, JoinStatus
from ..policies.joins import CHANGE, EXPORT
from ..rules.joins import rules
from ..selectors import joins as selectors

# What the audit trail keeps of a request (masked ID and mobile only: the clear values are
# encrypted and never leave the row).
AUDIT_FIELDS = ("name", "id_number_masked", "phone_masked", "gender", "birth_on", "hometown_province", "is_migrant",
                "enterprise", "enterprise_name", "town", "route", "org", "union", "status", "channel",
                "decision_note", "person", "membership")
ENTERPRISE_NAME_MAX = 200
REASON_MAX = 400
TRANSFER_REASON_MAX = 200  # members.Transfer.reason


def today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True)
class JoinInput:
    """What the worker gives (the form and the API build it)."""

    name: str
    id_number: str
    phone: str = ""  # used when the login has no verified mobile of its own
    hometown_province: str = ""  # blank: from the ID card number's province
    is_migrant: bool | None = None  # None: decided from the hometown province
    enterprise: Enterprise | None = None  # a registered enterprise picked from the search
    enterprise_name: str = ""  # or a name typed (matched exactly when registered)
    town: Org | None = None  # the town of an unregistered enterprise
    consent: bool = False
    channel: str = JoinChannel.PORTAL


@dataclass(frozen=True)
class Workplace:
    enterprise: Enterprise | None
    name: str
    town: Org


def account_phone(user) -> str:
    """The login's own mobile (phone sign-up, portal/auth), or ""."""
    encrypted = getattr(user, "phone_enc", "") if user is not None else ""
    return pii.decrypt(encrypted) if encrypted else ""


# --- checks ----------------------------------------------------------------------------------------

def _fail(errors: dict):
    """Every field's problem at once (the form shows each on its field; the API lists them)."""
    raise ValidationError({field: [message] for field, message in errors.items()})


def resolve_workplace(enterprise, enterprise_name, town, errors: dict) -> Workplace | None:
    """The registered enterprise (picked, or named exactly), else the typed name in the chosen
    town. Problems go into `errors` under the field the worker fixes."""
    name = (enterprise_name or "").strip()
    if len(name) > ENTERPRISE_NAME_MAX:
        errors["enterprise_name"] = _("Enter at most %(n)s characters.") % {"n": ENTERPRISE_NAME_MAX}
        return None
    if enterprise is None and name:
        enterprise = selectors.match_enterprise(name)
    if enterprise is not None:
        return Workplace(enterprise=enterprise, name=enterprise.name, town=enterprise.town)
    if not name:
        errors["enterprise_name"] = _("Give the name of the enterprise you work at, or pick it from the search.")
        return None
    if town is None:
        errors["town"] = _("“%(name)s” is not registered with the union yet: choose the town or platform where "
                           "it is.") % {"name": name}
        return None
    if town.level not in selectors.TOWN_LEVELS or not town.is_active:
        errors["town"] = _("Choose a town, sub-district or platform from the list.")
        return None
    return Workplace(enterprise=None, name=name, town=town)


def route_of(workplace: Workplace) -> tuple[str, Org]:
    """Who decides: the enterprise's active union, else the town."""
    union = workplace.enterprise.union if workplace.enterprise is not None else None
    if union is not None and union.is_active and union.level == OrgLevel.GRASSROOTS:
        return JoinRoute.UNION, union
    return JoinRoute.TOWN, workplace.town


def _clean_person(data: JoinInput, phone: str, errors: dict) -> MemberInput | None:
    raw = {"name": data.name, "id_number": data.id_number, "phone": phone,
           "hometown_province": data.hometown_province,
           "is_migrant": "" if data.is_migrant is None else ("1" if data.is_migrant else "0")}
    try:
        cleaned = clean_member_input(raw, today=today())
    except MemberInputError as exc:
        errors.update({field: str(message) for field, message in exc.errors.items()})
        cleaned = None
    if not (phone or "").strip():
        errors.setdefault("phone", _("Give your mobile number: the union tells you its decision there."))
    return cleaned


def _check_identity(user, person_input: MemberInput):
    """Refusals that depend on the registry and on other requests (no union is named: a worker
    typing someone else's ID number learns nothing about where that person is)."""
    id_hash = pii.lookup_hash(person_input.id_number)
    linked = person_of_account(user)
    if linked is not None:
        live = selectors.live_membership(linked)
        if live is not None:
            raise DomainError(_("You are already a member of %(union)s. If you changed jobs, ask for a transfer "
                                "instead of joining again.") % {"union": live.union.name},
                              code="already_member", field="id_number")
        if linked.id_number_hash != id_hash:
            raise DomainError(_("Your login belongs to a member record with another ID card number; "
                                "ask your union to correct it."), code="id_mismatch", field="id_number")
    if selectors.open_join_request(user) is not None:
        raise DomainError(_("You already have a join request awaiting a decision; withdraw it to send a new one."),
                          code="already_open")
    if member_services.live_membership_of(id_hash) is not None:
        raise DomainError(_("This ID card number already belongs to a member of a union. If you changed jobs, "
                            "sign in with your member login and ask for a transfer; otherwise contact the union "
                            "of your enterprise."), code="already_member", field="id_number")
    other = Person.objects.filter(id_number_hash=id_hash).exclude(account__isnull=True).exclude(account=user).exists()
    if other:
        raise DomainError(_("This ID card number is linked to another login. Contact the union of your enterprise."),
                          code="id_linked_elsewhere", field="id_number")
    if JoinRequest.objects.filter(id_number_hash=id_hash, status=JoinStatus.PENDING).exists():
        raise DomainError(_("A join request with this ID card number is already awaiting a decision."),
                          code="already_open", field="id_number")


def _identity_refusals_key(user) -> str:
    return f"portal-join-identity-refusals:{user.pk}:{today():%Y%m%d}"


def _check_identity_limited(user, person_input: MemberInput):
    """`_check_identity`, at most `identity_refusals_per_day` refusals a login a day: each
    refusal tells something about an ID card number (a member, linked, asked for already), so a
    login cannot probe the registry with one number after another."""
    key, limit = _identity_refusals_key(user), rules().identity_refusals_per_day
    if (cache.get(key) or 0) >= limit:
        raise DomainError(_("Too many refused join requests today. Try again tomorrow, or ask the union of your "
                            "enterprise."), code="too_many_refusals")
    try:
        _check_identity(user, person_input)
    except DomainError:
        cache.add(key, 0, timeout=86400 + 60)
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=86400 + 60)
        raise


def _staff_of(org):
    """The org's own cadres (every role but MEMBER) — who hear of a request arriving."""
    from gonghui.accounts.models import User
    from gonghui.accounts.roles import Role

    return list(User.objects.filter(is_active=True, role_assignments__org=org)
                .exclude(role_assignments__role=Role.MEMBER, role_assignments__org=org).distinct())


def _record(actor, action, join_request, before=None):
    after = audit.snapshot(join_request, fields=AUDIT_FIELDS)
    if before is None:  # a new request: what was given, without the empty decision fields
        old, new = None, {k: v for k, v in after.items() if v not in (None, "")}
    else:
        old, new = audit.changed(before, after)
    audit.record(actor=actor, action=action, obj=join_request, org=join_request.org, before=old, after=new)


# --- the worker ------------------------------------------------------------------------------------

def submit_join(*, actor, data: JoinInput) -> JoinRequest:
    """A worker's 实名入会 request (see the module docstring)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Please sign in."))
    errors: dict = {}
    phone = account_phone(actor) or (data.phone or "").strip()
    person_input = _clean_person(data, phone, errors)
    workplace = resolve_workplace(data.enterprise, data.enterprise_name, data.town, errors)
    if not data.consent:
        errors["consent"] = _("Accept the charter of the trade union to apply.")
    if errors:
        _fail(errors)
    with transaction.atomic():
        _check_identity_limited(actor, person_input)
        route, org = route_of(workplace)
        now = timezone.now()
        join_request = JoinRequest(
            account=actor, name=person_input.name, gender=person_input.gender, birth_on=person_input.birth_on,
            hometown_province=person_input.hometown_province, is_migrant=person_input.is_migrant,
            enterprise=workplace.enterprise, enterprise_name=workplace.name, town=workplace.town, route=route,
            org=org, status=JoinStatus.PENDING, channel=data.channel, consented_at=now, submitted_at=now)
        join_request.set_id_number(person_input.id_number)
        join_request.set_phone(person_input.phone)
        try:
            with transaction.atomic():
                join_request.save()
        except IntegrityError as exc:  # the same login or ID sent another request a moment ago
            raise DomainError(_("A join request with this ID card number is already awaiting a decision."),
                              code="already_open", field="id_number") from exc
        _record(actor, "portal.join.submit", join_request)
        notify(recipients=_staff_of(org), key=f"portal:join:{join_request.pk}:arrived",
               title=_("New join request: %(name)s (%(enterprise)s)")
               % {"name": join_request.name, "enterprise": join_request.enterprise_name},
               url=reverse("portal:join_detail", args=[join_request.pk]), org=org)
    return join_request


def withdraw_join(*, actor, join_request) -> JoinRequest:
    """The worker takes back their own pending request."""
    with transaction.atomic():
        locked = lock_one(JoinRequest, join_request.pk)
        if actor is None or locked.account_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("You are not allowed to do this here."))
        if locked.status != JoinStatus.PENDING:
            raise DomainError(_("Only a request awaiting a decision can be withdrawn."), code="wrong_stage")
        before = audit.snapshot(locked, fields=AUDIT_FIELDS)
        locked.status, locked.decided_at = JoinStatus.WITHDRAWN, timezone.now()
        locked.save(update_fields=["status", "decided_at", "updated_at"])
        _record(actor, "portal.join.withdraw", locked, before)
    return locked


# --- the deciding org --------------------------------------------------------------------------------

def _lock_pending(join_request) -> JoinRequest:
    locked = lock_one(JoinRequest, join_request.pk)
    if locked.status != JoinStatus.PENDING:
        raise DomainError(_("This join request was already decided (%(status)s); refresh the page.")
                          % {"status": locked.get_status_display()}, code="wrong_stage")
    return locked


def _not_own(actor, join_request):
    """No one decides their own request (a cadre who applied with their own login): another
    cadre of the deciding org must."""
    if join_request.account_id is not None and join_request.account_id == getattr(actor, "pk", None):
        raise DomainError(_("You cannot decide your own join request: another cadre of %(org)s must.")
                          % {"org": join_request.org.name}, code="own_request")


def _target_union(join_request, union) -> Org:
    """The union the worker joins: the enterprise's union for a union-routed request; for a
    town-routed one, the active union the cadre chose in the town's subtree."""
    if join_request.route == JoinRoute.UNION:
        if union is not None and union.pk != join_request.org_id:
            raise DomainError(_("This request is decided by %(union)s, the union of the worker's enterprise.")
                              % {"union": join_request.org.name}, code="union_fixed", field="union")
        return Org.objects.get(pk=join_request.org_id)
    if union is None:
        raise DomainError(_("Choose the union the worker joins (a joint union of the town, or another union there)."),
                          code="union_required", field="union")
    union = Org.objects.get(pk=union.pk)
    town = Org.objects.get(pk=join_request.org_id)
    if union.level != OrgLevel.GRASSROOTS or not union.is_active or not union.path.startswith(town.path):
        raise DomainError(_("Choose an active grassroots union in %(town)s.") % {"town": town.name},
                          code="union_outside", field="union")
    return union


def _employer(join_request, union):
    """The membership's employer: the registered enterprise, unless its own union has closed
    (then the worker joins another union of the town without an employer on record)."""
    enterprise = join_request.enterprise
    if enterprise is None:
        return None
    enterprise = Enterprise.objects.select_related("union").get(pk=enterprise.pk)
    if enterprise.union is not None and not enterprise.union.is_active and enterprise.union_id != union.pk:
        return None
    return enterprise


def _member_input(join_request) -> MemberInput:
    """The registry's input from the request; a person who left before keeps their education and
    skill level (the request does not ask for them)."""
    existing = Person.objects.filter(id_number_hash=join_request.id_number_hash).first()
    return MemberInput(
        name=join_request.name, name_initials=pinyin_initials(join_request.name), id_number=join_request.id_number(),
        birth_on=join_request.birth_on, gender=join_request.gender, phone=join_request.phone(),
        hometown_province=join_request.hometown_province, is_migrant=join_request.is_migrant,
        education=existing.education if existing else "",
        skill_level=existing.skill_level if existing else SkillLevel.NONE, joined_on=today())


def approve_join(*, actor, join_request, union=None) -> JoinRequest:
    """Admit the worker: the registry person and membership, the login linked (see the module
    docstring). Returns the decided request."""
    require(actor, CHANGE, join_request.org)
    with transaction.atomic():
        locked = _lock_pending(join_request)
        _not_own(actor, locked)
        target = _target_union(locked, union)
        require(actor, CHANGE, target)
        before = audit.snapshot(locked, fields=AUDIT_FIELDS)
        membership = member_services.register_member(actor=actor, union=target, data=_member_input(locked),
                                                     enterprise=_employer(locked, target))
        if locked.account_id:
            member_services.link_member_account(actor=actor, person=membership.person, user=locked.account)
        locked.status, locked.union, locked.person, locked.membership = (
            JoinStatus.APPROVED, target, membership.person, membership)
        locked.decided_at, locked.decided_by, locked.decision_note = timezone.now(), actor, ""
        locked.save()
        _record(actor, "portal.join.approve", locked, before)
        _tell_worker(locked, _("Welcome to the union: you are now a member of %(union)s.") % {"union": target.name})
    return locked


def reject_join(*, actor, join_request, reason) -> JoinRequest:
    """Refuse with a reason the worker reads."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the request is not approved: the worker reads it."), code="reason_required",
                          field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Enter at most %(n)s characters.") % {"n": REASON_MAX}, code="too_long", field="reason")
    require(actor, CHANGE, join_request.org)
    with transaction.atomic():
        locked = _lock_pending(join_request)
        _not_own(actor, locked)
        before = audit.snapshot(locked, fields=AUDIT_FIELDS)
        locked.status, locked.decision_note = JoinStatus.REJECTED, reason
        locked.decided_at, locked.decided_by = timezone.now(), actor
        locked.save()
        _record(actor, "portal.join.reject", locked, before)
        _tell_worker(locked, _("Your join request was not approved: %(reason)s") % {"reason": reason})
    return locked


def _tell_worker(join_request, title):
    if join_request.account_id is None:
        return
    notify(recipients=[join_request.account], key=f"portal:join:{join_request.pk}:{join_request.status}",
           title=title, url=reverse("portal:my_join"), org=join_request.org)


# --- the member's own transfer ------------------------------------------------------------------------

def _receiving_union(workplace: Workplace, union) -> Org:
    """The enterprise's active union receives the member; without one, the union they chose
    among the town's (joint) unions."""
    route, org = route_of(workplace)
    if route == JoinRoute.UNION:
        return org
    if union is None:
        raise DomainError(_("Your new enterprise has no union of its own: choose the union of %(town)s that "
                            "receives you.") % {"town": workplace.town.name}, code="union_required", field="union")
    union = Org.objects.get(pk=union.pk)
    if union.level != OrgLevel.GRASSROOTS or not union.is_active or not union.path.startswith(workplace.town.path):
        raise DomainError(_("Choose an active grassroots union in %(town)s.") % {"town": workplace.town.name},
                          code="union_outside", field="union")
    return union


def request_my_transfer(*, actor, enterprise=None, enterprise_name="", town=None, union=None, effective_on=None,
                        reason=""):
    """A member changing jobs asks for their membership to move to the new enterprise's union
    (a `members.Transfer`, accepted by the receiving union on the registry's transfer pages)."""
    person = person_of_account(actor)
    membership = selectors.live_membership(person)
    if membership is None:
        raise DomainError(_("Your login has no live membership to transfer; apply to join the union instead."),
                          code="not_member")
    if membership.status == MembershipStatus.TRANSFER_PENDING:
        raise DomainError(_("A transfer of your membership is already waiting for the receiving union."),
                          code="already_open")
    errors: dict = {}
    workplace = resolve_workplace(enterprise, enterprise_name, town, errors)
    reason = (reason or "").strip() or rules().default_transfer_reason
    if workplace is not None and workplace.enterprise is None:
        reason = f"{reason}：{workplace.name}"  # the new employer is not registered: keep its name
    if len(reason) > TRANSFER_REASON_MAX:
        errors["reason"] = _("Enter at most %(n)s characters.") % {"n": TRANSFER_REASON_MAX}
    if errors:
        _fail(errors)
    target = _receiving_union(workplace, union)
    with transaction.atomic():
        transfer = member_services.request_own_transfer(
            actor=actor, membership=membership, to_union=target, effective_on=effective_on or today(),
            reason=reason, to_enterprise=workplace.enterprise)
        url = reverse("members:transfer_detail", args=[transfer.pk])
        title = _("Transfer asked by the member %(name)s: %(from)s → %(to)s") % {
            "name": person.name, "from": membership.union.name, "to": target.name}
        for org in (target, membership.union):
            notify(recipients=_staff_of(org), key=f"members:transfer:{transfer.pk}:asked:{org.pk}", title=title,
                   url=url, org=org)
    return transfer


# --- export ------------------------------------------------------------------------------------------------

def export_join_requests(*, actor, filters):
    """(rewound temporary file, rows): the filtered requests in the actor's export scope, ID and
    mobile masked; audited once per place exported."""
    from gonghui.core.excel import XlsxStream

    from ..models.joins import JoinRoute as Route

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = JoinRequest.objects.visible_to(actor, EXPORT).values("pk")
    qs = (selectors.filtered_join_requests(actor, filters).filter(pk__in=exportable).order_by("-id")
          .values_list("submitted_at", "name", "id_number_masked", "phone_masked", "gender", "birth_on",
                       "hometown_province", "is_migrant", "enterprise_name", "town__name", "route", "org__name",
                       "status", "union__name", "decided_at", "decision_note"))
    statuses, routes = dict(JoinStatus.choices), dict(Route.choices)
    genders = {"M": _("Male"), "F": _("Female")}
    headers = [_("Submitted at"), _("Name"), _("ID card number (masked)"), _("Mobile (masked)"), _("Gender"),
               _("Date of birth"), _("Hometown province"), _("Migrant worker"), _("Enterprise"), _("Town"),
               pgettext("join request", "Decided by"), pgettext("join request", "Deciding organisation"),
               _("Status"), pgettext("join request", "Admitted to"), _("Decided at"),
               pgettext("join request", "Reason")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    tz = timezone.get_current_timezone()
    rows = 0

    def when(value):
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""

    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Join requests"), headers=headers, text_columns=(2, 3),
                           widths=[17, 10, 20, 13, 6, 11, 10, 8, 32, 14, 14, 28, 10, 28, 17, 30])
        for (at, name, id_masked, phone_masked, gender, birth, province, migrant, enterprise, town, route, org,
             status, union, decided, note) in qs.iterator(chunk_size=1000):
            sheet.append([when(at), name, id_masked, phone_masked, str(genders.get(gender, gender)), birth, province,
                          _("Yes") if migrant else _("No"), enterprise, town or "", str(routes.get(route, route)),
                          org, str(statuses.get(status, status)), union or "", when(decided), note])
            rows += 1
    audit.record_export(actor=actor, action="portal.join.export", object_type="portal.JoinRequestExport",
                        org=filters.org, reach_action=EXPORT, label=_("Join requests export"),
                        after={"filters": filters.as_params(), "rows": rows})
    handle.seek(0)
    return handle, rows
