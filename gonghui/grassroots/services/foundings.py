"""Every write of union founding applications (组建). Each function is keyword-only, atomic,
checks the actor's right on the enterprise's town (`require`), locks the application (two people
recording the same step at once cannot both win), validates the step against the status, the
dates and the rules (`rules/foundings.py`), and writes the audit trail (`grassroots.founding.*`).

The workflow (who: see `policies/foundings.py`):

    DRAFT ─submit→ SUBMITTED ─review→ REVIEWED ─approve→ APPROVED ─register→ REGISTERED
      ↑              │  ↑                │                  │ (the union is created in the tree,
      └── RETURNED ←─┘  └──── (resubmit) ←┘ return             │  the enterprise linked, the first
                                                              │  committee seated)
    form JOINT: approve → JOINED (the enterprise is linked to the existing joint union)
    any open step → WITHDRAWN (the applicant) / REFUSED (the upper union, with the reason)

Each waiting step carries its deadline (`step_due_on`, working days from the rules).
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, pii, workdays
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.core.validators import normalise_phone
from gonghui.orgs.models import OrgLevel, UnionKind

from ..models.foundings import (
    ApplicantKind,
    FoundingApplication,
    FoundingForm,
    FoundingStatus,
    split_names,
)
from ..policies.foundings import APPROVE, CHANGE, REGISTER, REVIEW
from ..rules.committees import rules as committee_rules
from ..rules.foundings import rules

__all__ = [
    "FoundingInput",
    "export_applications",
    "export_unorganised",
    "approve_application",
    "create_application",
    "form_for",
    "recompute_step_due",
    "refuse_application",
    "register_union",
    "return_application",
    "review_application",
    "submit_application",
    "update_application",
    "withdraw_application",
]

NAME_MAX = 64
EARLIEST = datetime.date(1950, 1, 1)  # the district federation's founding: no union step is older
REASON_MAX = 400


def today():
    return timezone.localdate()


@dataclass
class FoundingInput:
    applicant_kind: str
    contact_name: str
    contact_phone: str
    members_count: int
    form: str
    joint_union: object = None          # an Org (JOINT grassroots union) when form is JOINT
    proposed_name: str = ""
    meeting_on: datetime.date | None = None
    term_years: int | None = None
    chair_name: str = ""
    vice_chair_names: str = ""
    committee_member_names: str = ""
    note: str = ""


def form_for(members_count: int) -> list[str]:
    """The forms allowed for a number of members: a committee from the threshold up (25), an
    organiser or joining a joint union below it."""
    if members_count >= rules().committee_min_members:
        return [FoundingForm.COMMITTEE]
    return [FoundingForm.ORGANISER, FoundingForm.JOINT]


# --- helpers ----------------------------------------------------------------------------------

def _error(message, code, field=None):
    return DomainError(message, code=code, field=field)


def _date(day, field, label):
    if day is None:
        raise _error(_("%(label)s is required.") % {"label": label}, "required", field)
    if day > today():
        raise _error(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                     "date_in_future", field)
    if day < EARLIEST:
        raise _error(_("%(label)s is not plausible: check the year.") % {"label": label}, "date_implausible", field)
    return day


def _not_before(day, earlier, field, message):
    if day and earlier and day < earlier:
        raise _error(message, "date_order", field)


def _text(value, field, label, *, required=True, limit=REASON_MAX):
    value = (value or "").strip()
    if required and not value:
        raise _error(_("%(label)s is required.") % {"label": label}, "required", field)
    if len(value) > limit:
        raise _error(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit}, "too_long",
                     field)
    return value


def _wrong_stage(application):
    return _error(_("This step cannot be recorded now: the application is “%(status)s”.")
                  % {"status": application.get_status_display()}, "wrong_stage")


def _require_status(application, *statuses):
    if application.status not in statuses:
        raise _wrong_stage(application)


def _lock(application):
    lock_one(FoundingApplication, application.pk)
    return FoundingApplication.objects.select_related("enterprise__town", "enterprise__union", "town", "joint_union",
                                                      "union").get(pk=application.pk)


def _phone(value):
    """A mobile (11 digits, 1[3-9]…) or a landline with its area code (0 + 9–11 digits)."""
    number = normalise_phone(value)
    if number.startswith("86") and len(number) == 13:
        number = number[2:]
    mobile = len(number) == 11 and number.startswith("1") and number[1] in "3456789"
    landline = number.startswith("0") and 10 <= len(number) <= 12
    if not (mobile or landline):
        raise _error(_("The contact phone is not a valid number: a mobile has 11 digits and starts with 13–19; "
                       "a landline starts with its area code (e.g. 0571)."), "phone_format", "contact_phone")
    return number


def _check_enterprise(enterprise, exclude=None):
    if enterprise.union_id is not None:
        raise _error(_("%(enterprise)s already has a union (%(union)s).")
                     % {"enterprise": enterprise, "union": enterprise.union}, "already_organised", "enterprise")
    if enterprise.town.level not in (OrgLevel.TOWN, OrgLevel.PLATFORM):
        raise _error(_("%(enterprise)s is not placed in a town or platform.") % {"enterprise": enterprise},
                     "town_level", "enterprise")
    open_ = FoundingApplication.objects.filter(enterprise=enterprise, status__in=(
        FoundingStatus.DRAFT, FoundingStatus.SUBMITTED, FoundingStatus.RETURNED, FoundingStatus.REVIEWED,
        FoundingStatus.APPROVED))
    if exclude is not None:
        open_ = open_.exclude(pk=exclude.pk)
    if open_.exists():
        raise _error(_("%(enterprise)s already has an open application; continue that one instead.")
                     % {"enterprise": enterprise}, "already_open", "enterprise")


def _committee_names(data):
    """(chair, vice-chairs, members) as cleaned names; duplicates refused."""
    chair = _text(data.chair_name, "chair_name", _("Chair"), required=False, limit=NAME_MAX)
    vices = split_names(data.vice_chair_names)
    others = split_names(data.committee_member_names)
    for field, names in (("vice_chair_names", vices), ("committee_member_names", others)):
        for name in names:
            if len(name) > NAME_MAX:
                raise _error(_("“%(name)s…” is too long for a name.") % {"name": name[:20]}, "too_long", field)
    seen = set()
    for field, name in [("chair_name", chair)] * bool(chair) + [("vice_chair_names", n) for n in vices] + [
            ("committee_member_names", n) for n in others]:
        if name in seen:
            raise _error(_("%(name)s is listed twice in the committee; list each person once.") % {"name": name},
                         "duplicate_name", field)
        seen.add(name)
    return chair, vices, others


def _clean(data: FoundingInput, enterprise, actor):
    """Validate an application's content; returns the field values to store."""
    from gonghui.orgs.models import Org

    r = rules()
    contact_name = _text(data.contact_name, "contact_name", _("Contact person"), limit=NAME_MAX)
    phone = _phone(data.contact_phone)
    count = data.members_count
    if count is None or count < 1:
        raise _error(_("Enter how many workers wish to join (at least 1)."), "members_count", "members_count")
    if enterprise.headcount and count > enterprise.headcount:
        raise _error(_("%(n)s workers wish to join, but %(enterprise)s has only %(headcount)s employees; correct "
                       "the number or update the enterprise's headcount first.")
                     % {"n": count, "enterprise": enterprise, "headcount": enterprise.headcount},
                     "members_over_headcount", "members_count")
    allowed = form_for(count)
    if data.form not in allowed:
        if data.form == FoundingForm.COMMITTEE:
            message = _("A union committee needs at least %(min)s members; with %(n)s, choose a union organiser "
                        "or joining a joint union.") % {"min": r.committee_min_members, "n": count}
        else:
            message = _("With %(n)s members (at least %(min)s) the union must form a committee (委员会).") % {
                "n": count, "min": r.committee_min_members}
        raise _error(message, "form_mismatch", "form")
    joint = data.joint_union
    if data.form == FoundingForm.JOINT:
        if joint is None:
            raise _error(_("Choose the joint grassroots union the enterprise will join."), "required", "joint_union")
        joint = Org.objects.get(pk=joint.pk)
        if joint.level != OrgLevel.GRASSROOTS or joint.union_kind != UnionKind.JOINT or not joint.is_active:
            raise _error(_("%(org)s is not an active joint grassroots union.") % {"org": joint}, "not_joint",
                         "joint_union")
        if not joint.path.startswith(enterprise.town.path):
            raise _error(_("%(org)s is not in %(town)s, the enterprise's town.") % {"org": joint,
                                                                                    "town": enterprise.town},
                         "joint_outside_town", "joint_union")
        if not actor.can("grassroots.view", joint):
            raise _error(_("%(org)s is not a union you can use here.") % {"org": joint}, "not_joint", "joint_union")
    elif joint is not None:
        raise _error(_("Only an application to join a joint union names one."), "joint_not_allowed", "joint_union")
    chair, vices, others = _committee_names(data)
    proposed = _text(data.proposed_name, "proposed_name", _("Name of the new union"), required=False, limit=120)
    meeting_on, term = data.meeting_on, data.term_years
    if data.form == FoundingForm.JOINT:
        if chair or vices or others or meeting_on or term:
            raise _error(_("An enterprise joining a joint union holds no founding meeting of its own: leave the "
                           "meeting and committee empty."), "committee_not_allowed", "meeting_on")
        proposed = ""
    else:
        if not proposed:
            proposed = f"{enterprise.name}{'工会委员会' if data.form == FoundingForm.COMMITTEE else '工会'}"[:120]
        if data.form == FoundingForm.ORGANISER and (vices or others):
            raise _error(_("A union organiser (组织员) is one person: name the organiser only, no vice-chairs or "
                           "committee members."), "organiser_only", "vice_chair_names")
        if meeting_on is not None:
            _date(meeting_on, "meeting_on", _("The founding meeting's date"))
            if not chair:
                raise _error(_("Name the chair (or organiser) elected at the founding meeting."), "required",
                             "chair_name")
            # The terms the committees area will seat (its rules may narrow 3 or 5): checked here, or
            # the district's registration would fail on an approved application that cannot be returned.
            allowed = committee_rules().term_years
            if term not in allowed:
                raise _error(_("Choose the committee's term: 3 or 5 years.") if set(allowed) == {3, 5}
                             else _("A committee's term is %(allowed)s years.")
                             % {"allowed": _(" or ").join(str(y) for y in allowed)}, "term_years", "term_years")
        elif vices or others or term:
            raise _error(_("Enter the founding meeting's date for the committee it elected."), "required",
                         "meeting_on")
    return {
        "applicant_kind": data.applicant_kind, "contact_name": contact_name,
        "contact_phone_enc": pii.encrypt(phone), "contact_phone_masked": pii.mask_phone(phone),
        "members_count": count, "form": data.form, "joint_union": joint if data.form == FoundingForm.JOINT else None,
        "proposed_name": proposed, "meeting_on": meeting_on if data.form != FoundingForm.JOINT else None,
        "term_years": term if meeting_on else None, "chair_name": chair, "vice_chair_names": "、".join(vices),
        "committee_member_names": "、".join(others),
        "note": _text(data.note, "note", _("Note"), required=False, limit=4000),
    }


def _save(application):
    try:
        with transaction.atomic():
            application.full_clean()
            application.save()
    except IntegrityError as exc:
        raise _error(_("%(enterprise)s already has an open application; continue that one instead.")
                     % {"enterprise": application.enterprise}, "already_open", "enterprise") from exc


def _record(actor, action, application, before=None):
    after = audit.snapshot(application)
    if before is not None:
        before, after = audit.changed(before, after)
    audit.record(actor=actor, action=action, obj=application, org=application.union or application.town,
                 before=before, after=after)


def _due(start, days):
    return workdays.add_working_days(start, days)


# --- the applicant's steps ----------------------------------------------------------------------

@transaction.atomic
def create_application(*, actor, enterprise, data: FoundingInput, submit_on=None) -> FoundingApplication:
    """Record an application for an enterprise without a union (a draft, or submitted at once
    when `submit_on` is given)."""
    from gonghui.orgs.models import Enterprise

    require(actor, CHANGE, enterprise.town)
    lock_one(Enterprise, enterprise.pk)
    enterprise = Enterprise.objects.select_related("town", "union").get(pk=enterprise.pk)
    _check_enterprise(enterprise)
    application = FoundingApplication(enterprise=enterprise, town=enterprise.town, headcount=enterprise.headcount,
                                      **_clean(data, enterprise, actor))
    _save(application)
    _record(actor, "grassroots.founding.create", application)
    if submit_on is not None:
        submit_application(actor=actor, application=application, submitted_on=submit_on)
        application.refresh_from_db()
    return application


@transaction.atomic
def update_application(*, actor, application, data: FoundingInput) -> FoundingApplication:
    """Change a draft or a returned application."""
    require(actor, CHANGE, application.town)
    application = _lock(application)
    _require_status(application, FoundingStatus.DRAFT, FoundingStatus.RETURNED)
    before = audit.snapshot(application)
    enterprise = application.enterprise
    _check_enterprise(enterprise, exclude=application)
    for key, value in _clean(data, enterprise, actor).items():
        setattr(application, key, value)
    application.headcount = enterprise.headcount
    _save(application)
    _record(actor, "grassroots.founding.update", application, before)
    return application


@transaction.atomic
def submit_application(*, actor, application, submitted_on) -> FoundingApplication:
    """To the upper union (the town), which reviews it within `review_working_days`."""
    require(actor, CHANGE, application.town)
    application = _lock(application)
    _require_status(application, FoundingStatus.DRAFT, FoundingStatus.RETURNED)
    _date(submitted_on, "submitted_on", _("The submission date"))
    _not_before(submitted_on, application.returned_on, "submitted_on",
                _("The application cannot be resubmitted before it was returned (%(day)s).")
                % {"day": application.returned_on})
    _check_enterprise(application.enterprise, exclude=application)
    before = audit.snapshot(application)
    application.status = FoundingStatus.SUBMITTED
    application.submitted_on = submitted_on
    application.step_due_on = _due(submitted_on, rules().review_working_days)
    _save(application)
    _record(actor, "grassroots.founding.submit", application, before)
    return application


@transaction.atomic
def withdraw_application(*, actor, application, withdrawn_on, reason="") -> FoundingApplication:
    require(actor, CHANGE, application.town)
    application = _lock(application)
    _require_status(application, FoundingStatus.DRAFT, FoundingStatus.SUBMITTED, FoundingStatus.RETURNED,
                    FoundingStatus.REVIEWED)
    _date(withdrawn_on, "withdrawn_on", _("The withdrawal date"))
    # Not before the last step recorded: the submission, the review, or the return to the applicant.
    last = max((d for d in (application.submitted_on, application.reviewed_on, application.returned_on) if d),
               default=None)
    _not_before(withdrawn_on, last, "withdrawn_on",
                _("The withdrawal date cannot be before the last step (%(day)s).") % {"day": last})
    before = audit.snapshot(application)
    application.status = FoundingStatus.WITHDRAWN
    application.withdrawn_on = withdrawn_on
    application.withdraw_reason = _text(reason, "reason", _("The reason"), required=False)
    application.step_due_on = None
    _save(application)
    _record(actor, "grassroots.founding.withdraw", application, before)
    return application


# --- the upper union's steps --------------------------------------------------------------------

@transaction.atomic
def review_application(*, actor, application, reviewed_on, note="") -> FoundingApplication:
    """The town accepts the application and forwards it for approval."""
    require(actor, REVIEW, application.town)
    application = _lock(application)
    _require_status(application, FoundingStatus.SUBMITTED)
    _date(reviewed_on, "reviewed_on", _("The review date"))
    _not_before(reviewed_on, application.submitted_on, "reviewed_on",
                _("The review date cannot be before the submission (%(day)s).") % {"day": application.submitted_on})
    before = audit.snapshot(application)
    application.status = FoundingStatus.REVIEWED
    application.reviewed_on = reviewed_on
    application.review_note = _text(note, "note", _("The review note"), required=False)
    application.step_due_on = _due(reviewed_on, rules().approve_working_days)
    _save(application)
    _record(actor, "grassroots.founding.review", application, before)
    return application


@transaction.atomic
def return_application(*, actor, application, returned_on, reason) -> FoundingApplication:
    """Back to the applicant for changes, with the reason (at review or at approval)."""
    application = _lock(application)
    _require_status(application, FoundingStatus.SUBMITTED, FoundingStatus.REVIEWED)
    require(actor, REVIEW if application.status == FoundingStatus.SUBMITTED else APPROVE, application.town)
    _date(returned_on, "returned_on", _("The return date"))
    _not_before(returned_on, application.reviewed_on or application.submitted_on, "returned_on",
                _("The return date cannot be before the last step (%(day)s).")
                % {"day": application.reviewed_on or application.submitted_on})
    before = audit.snapshot(application)
    application.status = FoundingStatus.RETURNED
    application.returned_on = returned_on
    application.return_reason = _text(reason, "reason", _("The reason for returning"))
    application.reviewed_on = None
    application.review_note = ""
    application.step_due_on = None
    _save(application)
    _record(actor, "grassroots.founding.return", application, before)
    return application


@transaction.atomic
def refuse_application(*, actor, application, refused_on, reason) -> FoundingApplication:
    """The upper union refuses (at review, approval or registration), with the reason."""
    application = _lock(application)
    _require_status(application, FoundingStatus.SUBMITTED, FoundingStatus.REVIEWED, FoundingStatus.APPROVED)
    action = {FoundingStatus.SUBMITTED: REVIEW, FoundingStatus.REVIEWED: APPROVE}.get(application.status, REGISTER)
    require(actor, action, application.town)
    _date(refused_on, "refused_on", _("The refusal date"))
    last = application.approved_on or application.reviewed_on or application.submitted_on
    _not_before(refused_on, last, "refused_on",
                _("The refusal date cannot be before the last step (%(day)s).") % {"day": last})
    before = audit.snapshot(application)
    application.status = FoundingStatus.REFUSED
    application.refused_on = refused_on
    application.refuse_reason = _text(reason, "reason", _("The reason for refusing"))
    application.step_due_on = None
    _save(application)
    _record(actor, "grassroots.founding.refuse", application, before)
    return application


@transaction.atomic
def approve_application(*, actor, application, approved_on, decision_no) -> FoundingApplication:
    """The upper union's approval (批复). Joining a joint union ends here: the enterprise is
    linked to the joint union. A new union waits for the district's registration."""
    from gonghui.orgs.services import update_enterprise

    require(actor, APPROVE, application.town)
    application = _lock(application)
    _require_status(application, FoundingStatus.REVIEWED)
    _date(approved_on, "approved_on", _("The approval date"))
    _not_before(approved_on, application.reviewed_on, "approved_on",
                _("The approval date cannot be before the review (%(day)s).") % {"day": application.reviewed_on})
    before = audit.snapshot(application)
    application.approved_on = approved_on
    application.decision_no = _text(decision_no, "decision_no", _("The approval decision number"), limit=64)
    if application.form == FoundingForm.JOINT:
        joint = application.joint_union
        if joint is None or not joint.is_active or joint.union_kind != UnionKind.JOINT:
            raise _error(_("The joint union named in the application no longer exists; return the application so "
                           "the applicant can choose another."), "not_joint", "joint_union")
        enterprise = application.enterprise
        if enterprise.union_id is not None:
            raise _error(_("%(enterprise)s already has a union (%(union)s).")
                         % {"enterprise": enterprise, "union": enterprise.union}, "already_organised")
        update_enterprise(actor=actor, enterprise=enterprise, union=joint)
        application.status = FoundingStatus.JOINED
        application.joined_on = approved_on
        application.union = joint
        application.step_due_on = None
        action = "grassroots.founding.join"
    else:
        application.status = FoundingStatus.APPROVED
        application.step_due_on = _due(approved_on, rules().register_working_days)
        action = "grassroots.founding.approve"
    _save(application)
    _record(actor, action, application, before)
    return application


def _default_code(application):
    return f"{application.town.code}-F{application.pk:05d}"[:32]


@transaction.atomic
def register_union(*, actor, application, registered_on, legal_cert_no, code="") -> FoundingApplication:
    """The district registers the union (法人资格证书): the union is created under the
    enterprise's town (or platform), the enterprise linked to it, and the committee elected at
    the founding meeting seated as its first committee."""
    from gonghui.orgs.models import Org
    from gonghui.orgs.services import create_org, update_enterprise

    require(actor, REGISTER, application.town)
    application = _lock(application)
    _require_status(application, FoundingStatus.APPROVED)
    if application.form == FoundingForm.JOINT:
        raise _wrong_stage(application)
    _date(registered_on, "registered_on", _("The registration date"))
    _not_before(registered_on, application.approved_on, "registered_on",
                _("The registration date cannot be before the approval (%(day)s).") % {"day": application.approved_on})
    cert = _text(legal_cert_no, "legal_cert_no", _("The legal-person certificate number"), limit=64)
    code = _text(code, "code", _("The union's code"), required=False, limit=32) or _default_code(application)
    if Org.objects.filter(code=code).exists():
        raise _error(_("Code %(code)s is already used by another organisation.") % {"code": code}, "code_taken",
                     "code")
    enterprise = application.enterprise
    if enterprise.union_id is not None:
        raise _error(_("%(enterprise)s already has a union (%(union)s).")
                     % {"enterprise": enterprise, "union": enterprise.union}, "already_organised")
    before = audit.snapshot(application)
    union = create_org(actor=actor, parent=application.town, name=application.proposed_name,
                       level=OrgLevel.GRASSROOTS, union_kind=UnionKind.ENTERPRISE, code=code,
                       founded_on=application.meeting_on or registered_on, legal_cert_no=cert,
                       chair_name=application.chair_name, address=enterprise.address)
    update_enterprise(actor=actor, enterprise=enterprise, union=union)
    application.status = FoundingStatus.REGISTERED
    application.registered_on = registered_on
    application.legal_cert_no = cert
    application.union = union
    application.step_due_on = None
    application.committee = _seat_first_committee(actor, application, union)
    _save(application)
    _record(actor, "grassroots.founding.register", application, before)
    return application


def _seat_first_committee(actor, application, union):
    """The committee (or organiser) elected at the founding meeting, when the application lists
    it, through the committees area's `seat_committee`."""
    if not (application.meeting_on and application.chair_name and application.term_years):
        return None
    try:
        from .committees import seat_committee
    except ImportError:  # the committees area is not installed: the chair is on the union itself
        return None
    members = [{"name": application.chair_name, "position": "CHAIR", "person": None}]
    members += [{"name": n, "position": "VICE_CHAIR", "person": None} for n in application.vice_chairs()]
    members += [{"name": n, "position": "MEMBER", "person": None} for n in application.committee_members()]
    return seat_committee(actor=actor, union=union, elected_on=application.meeting_on,
                          term_years=application.term_years, members=members, source="FOUNDING")


# --- calendar ---------------------------------------------------------------------------------------

@transaction.atomic
def recompute_step_due() -> int:
    """The holiday calendar changed: recompute the deadlines of waiting applications. Idempotent."""
    r = rules()
    changed = 0
    waiting = FoundingApplication.objects.filter(status__in=(FoundingStatus.SUBMITTED, FoundingStatus.REVIEWED,
                                                             FoundingStatus.APPROVED))
    for application in waiting.select_for_update().order_by("pk"):
        start, days = {
            FoundingStatus.SUBMITTED: (application.submitted_on, r.review_working_days),
            FoundingStatus.REVIEWED: (application.reviewed_on, r.approve_working_days),
            FoundingStatus.APPROVED: (application.approved_on, r.register_working_days),
        }[application.status]
        due = _due(start, days) if start else None
        if due != application.step_due_on:
            FoundingApplication.objects.filter(pk=application.pk).update(step_due_on=due)
            changed += 1
    return changed


# --- exports -------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref, label):
        self.pk, self.label = ref, label

    def __str__(self):
        return str(self.label)


def _export_reach(actor, action):
    from gonghui.orgs.models import Org

    if actor.is_superuser:
        return list(Org.objects.filter(depth=1).order_by("path"))
    return list(Org.objects.filter(path__in=actor.scope_paths(action)).order_by("path"))


def _audit_export(actor, code, label, place, filters, rows):
    import uuid

    from ..policies.foundings import EXPORT

    ref = uuid.uuid4().hex
    for org in [place] if place is not None else (_export_reach(actor, EXPORT) or [None]):
        audit.record(actor=actor, action=code, obj=_ExportRef(ref, label), object_type="grassroots.Export",
                     org=org, after={"filters": filters, "rows": rows})


def _temp_export(write):
    import tempfile

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        rows = write(handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows


def export_applications(*, actor, filters):
    """(rewound temporary file, rows): the filtered application list the actor may export
    (contact phones masked), audited once per top org the export covered."""
    from gonghui.core.excel import XlsxStream

    from ..policies.foundings import EXPORT
    from ..selectors.foundings import filtered

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    listed = filtered(actor, filters).values("pk")
    exportable = FoundingApplication.objects.visible_to(actor, EXPORT).values("pk")
    qs = (FoundingApplication.objects.filter(pk__in=listed).filter(pk__in=exportable).order_by("-id")
          .values_list("id", "enterprise__name", "town__name", "applicant_kind", "contact_name",
                       "contact_phone_masked", "headcount", "members_count", "form", "joint_union__name",
                       "proposed_name", "status", "submitted_on", "step_due_on", "reviewed_on", "approved_on",
                       "decision_no", "registered_on", "legal_cert_no", "union__name"))
    kinds = {c: str(label) for c, label in ApplicantKind.choices}
    forms_ = {c: str(label) for c, label in FoundingForm.choices}
    statuses = {c: str(label) for c, label in FoundingStatus.choices}
    headers = [_("No."), _("Enterprise"), _("Town"), _("Applicant"), _("Contact person"), _("Contact phone"),
               _("Headcount"), _("Workers who wish to join"), _("Proposed form"), _("Joint union to join"),
               _("Name of the new union"), _("Status"), _("Submitted on"), _("Current step due on"),
               _("Reviewed on"), _("Approval date"), _("Approval decision no."), _("Registered on"),
               _("Legal-person certificate no."), _("Union")]

    def write(handle):
        rows = 0
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Founding applications"), headers=headers,
                               widths=[8, 30, 16, 14, 10, 14, 8, 8, 18, 24, 30, 16, 12, 12, 12, 12, 20, 12, 22, 26])
            for values in qs.iterator(chunk_size=1000):
                row = list(values)
                row[3] = kinds.get(row[3], row[3])
                row[8] = forms_.get(row[8], row[8])
                row[11] = statuses.get(row[11], row[11])
                sheet.append(row)
                rows += 1
        return rows

    handle, rows = _temp_export(write)
    _audit_export(actor, "grassroots.founding.export", _("Founding application export"), filters.org,
                  {"q": filters.q, "status": filters.status, "form": filters.form,
                   "org": filters.org.pk if filters.org else None, "year": filters.year, "due": filters.due}, rows)
    return handle, rows


def export_unorganised(*, actor, filters):
    """(rewound temporary file, rows): the enterprises without a union of the list's filters."""
    from gonghui.core.excel import XlsxStream
    from gonghui.orgs.models import Industry

    from ..policies.foundings import EXPORT
    from ..selectors.foundings import SORTS, open_application_exists, unorganised, unorganised_base

    require(actor, EXPORT, filters.town) if filters.town else require(actor, EXPORT)
    exportable = unorganised_base(actor, EXPORT).values("pk")
    qs = (unorganised(actor, filters).filter(pk__in=exportable).annotate(open_app=open_application_exists())
          .order_by(*SORTS.get(filters.sort, SORTS["headcount"]))
          .values_list("name", "uscc", "town__name", "industry", "headcount", "above_scale", "top100", "address",
                       "open_app"))
    industries = {c: str(label) for c, label in Industry.choices}
    yes, no = _("Yes"), _("No")
    headers = [_("Enterprise"), _("Unified social credit code"), _("Town"), _("Industry"), _("Headcount"),
               _("Above designated size"), _("Top-100"), _("Address"), _("Application in progress")]

    def write(handle):
        rows = 0
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Enterprises without a union"), headers=headers,
                               widths=[34, 22, 16, 18, 10, 10, 10, 30, 12], text_columns=(1,))
            for name, uscc, town, industry, headcount, above, top, address, open_app in qs.iterator(chunk_size=1000):
                sheet.append([name, uscc, town, industries.get(industry, industry), headcount,
                              yes if above else no, yes if top else no, address, yes if open_app else no])
                rows += 1
        return rows

    handle, rows = _temp_export(write)
    _audit_export(actor, "grassroots.unorganised.export", _("Export of enterprises without a union"), filters.town,
                  {"q": filters.q, "town": filters.town.pk if filters.town else None, "industry": filters.industry,
                   "size": filters.size, "application": filters.application}, rows)
    return handle, rows
