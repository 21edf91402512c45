"""Every write of facility requests. Atomic, checked, locked, validated, audited
(`services.facility_*`).

- A grassroots union (`services.submit`) requests a facility for one of its enterprises (or a
  place of its area): numbered SS<year>-NNNN (counter row locked); the town decides within
  `rules().decide_within_working_days` working days (`core.workdays`).
- SUBMITTED → APPROVED / REJECTED (reason) by the town (`services.approve` on the union's town) →
  IN_PROGRESS (partner named, planned opening) → OPEN (opening date) → CLOSED (reason), by the
  town (`services.change` on the town). WITHDRAWN by the union before a decision. Once open the
  union rates it (1–5, once).
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit, workdays
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.numbering import next_number
from gonghui.core.policies import require
from gonghui.orgs.models import OrgLevel

from ..models.facilities import FacilityCounter, FacilityKind, FacilityRequest, FacilityStatus
from ..policies.facilities import APPROVE, CHANGE, EXPORT, SUBMIT, town_of
from ..rules.facilities import rules
from .centres import (
    UNION_LEVELS,
    audit_export,
    day,
    in_area,
    rating_value,
    record,
    text,
    today,
    whole,
    write_xlsx,
    wrong_stage,
)

FIELDS = ["status", "decided_on", "reject_reason", "partner", "partner_contact", "planned_open_on", "opened_on",
          "closed_on", "close_reason", "rating", "rating_comment"]


@transaction.atomic
def submit_request(*, actor, org, kind, title, location, workers_served, justification,
                   enterprise=None) -> FacilityRequest:
    require(actor, SUBMIT, org)
    if org is None or not org.is_active or org.level not in UNION_LEVELS:
        raise DomainError(_("Facilities are requested by a grassroots union."), code="invalid_org", field="org")
    if kind not in FacilityKind.values:
        raise DomainError(_("Choose the kind of facility."), code="invalid_kind", field="kind")
    if enterprise is not None and not in_area(enterprise, org):
        raise DomainError(_("%(name)s is not an enterprise of %(org)s.") % {"name": enterprise.name, "org": org.name},
                          code="enterprise_out_of_area", field="enterprise")
    values = {
        "title": text(title, "title", _("The title")),
        "location": text(location or (enterprise.address if enterprise else ""), "location", _("The location"),
                         limit=200),
        "workers_served": whole(workers_served, "workers_served", _("The workers served"), low=1,
                                high=rules().max_workers),
        "justification": text(justification, "justification", _("The justification"), limit=2000),
    }
    now = today()
    town = org.town() if org.level != OrgLevel.DISTRICT else None
    req = FacilityRequest(org=org, town=town, enterprise=enterprise, kind=kind, submitted_on=now,
                          decide_due_on=workdays.add_working_days(now, rules().decide_within_working_days),
                          created_by=actor if getattr(actor, "pk", None) else None, **values)
    req.number = next_number(FacilityCounter, FacilityRequest, rules().number_prefix, now.year)
    req.save()
    audit.record(actor=actor, action="services.facility_submit", obj=req, org=org,
                 after=audit.snapshot(req, fields=["number", "kind", "title", "enterprise", "location",
                                                   "workers_served", "justification", "decide_due_on"]))
    return req


def _step(actor, req, action, allowed, *, on_town=True):
    require(actor, action, town_of(req) if on_town else req.org)
    req = lock_one(FacilityRequest, req.pk)
    if req.status not in allowed:
        raise wrong_stage(req)
    return req, audit.snapshot(req, fields=FIELDS)


def _save(actor, code, req, before):
    req.save()
    record(actor, code, req, req.org, before, FIELDS)
    return req


@transaction.atomic
def approve_request(*, actor, request) -> FacilityRequest:
    req, before = _step(actor, request, APPROVE, (FacilityStatus.SUBMITTED,))
    req.status, req.decided_on = FacilityStatus.APPROVED, today()
    return _save(actor, "services.facility_approve", req, before)


@transaction.atomic
def reject_request(*, actor, request, reason) -> FacilityRequest:
    req, before = _step(actor, request, APPROVE, (FacilityStatus.SUBMITTED,))
    req.reject_reason = text(reason, "reason", _("The reason"), limit=400)
    req.status, req.decided_on = FacilityStatus.REJECTED, today()
    return _save(actor, "services.facility_reject", req, before)


@transaction.atomic
def start_request(*, actor, request, partner, planned_open_on, partner_contact="") -> FacilityRequest:
    """APPROVED → IN_PROGRESS: the partner that sets it up and runs it, and the planned opening."""
    req, before = _step(actor, request, CHANGE, (FacilityStatus.APPROVED,))
    req.partner = text(partner, "partner", _("The partner"))
    req.partner_contact = text(partner_contact, "partner_contact", _("The partner contact"), required=False)
    planned = day(planned_open_on, "planned_open_on", _("The planned opening"))
    if planned < today():
        raise DomainError(_("The planned opening is in the past."), code="date_past", field="planned_open_on")
    if planned > today() + datetime.timedelta(days=rules().max_planned_days_ahead):
        raise DomainError(_("The planned opening is more than %(n)s days ahead.")
                          % {"n": rules().max_planned_days_ahead}, code="date_too_far", field="planned_open_on")
    req.planned_open_on, req.status = planned, FacilityStatus.IN_PROGRESS
    return _save(actor, "services.facility_start", req, before)


@transaction.atomic
def open_request(*, actor, request, opened_on) -> FacilityRequest:
    req, before = _step(actor, request, CHANGE, (FacilityStatus.IN_PROGRESS,))
    opened = day(opened_on, "opened_on", _("The opening date"))
    if opened > today():
        raise DomainError(_("The opening date is in the future: mark it open once it opened."), code="date_future",
                          field="opened_on")
    if opened < req.submitted_on:
        raise DomainError(_("The opening date is before the request (%(day)s).")
                          % {"day": req.submitted_on.isoformat()}, code="date_order", field="opened_on")
    req.opened_on, req.status = opened, FacilityStatus.OPEN
    return _save(actor, "services.facility_open", req, before)


@transaction.atomic
def close_request(*, actor, request, closed_on, reason) -> FacilityRequest:
    req, before = _step(actor, request, CHANGE, (FacilityStatus.OPEN,))
    closed = day(closed_on, "closed_on", _("The closing date"))
    if closed > today():
        raise DomainError(_("The closing date is in the future."), code="date_future", field="closed_on")
    if req.opened_on and closed < req.opened_on:
        raise DomainError(_("The closing date is before the opening (%(day)s).") % {"day": req.opened_on.isoformat()},
                          code="date_order", field="closed_on")
    req.close_reason = text(reason, "reason", _("The reason"), limit=400)
    req.closed_on, req.status = closed, FacilityStatus.CLOSED
    return _save(actor, "services.facility_close", req, before)


@transaction.atomic
def rate_request(*, actor, request, rating, comment="") -> FacilityRequest:
    req, before = _step(actor, request, SUBMIT, (FacilityStatus.OPEN,), on_town=False)
    if req.rating is not None:
        raise DomainError(_("This facility has already been rated."), code="already_rated", field="rating")
    req.rating = rating_value(rating)
    req.rating_comment = text(comment, "comment", _("The comment"), required=False, limit=400)
    return _save(actor, "services.facility_rate", req, before)


@transaction.atomic
def withdraw_request(*, actor, request, reason) -> FacilityRequest:
    req, before = _step(actor, request, SUBMIT, (FacilityStatus.SUBMITTED,), on_town=False)
    req.reject_reason = text(reason, "reason", _("The reason"), limit=400)
    req.status = FacilityStatus.WITHDRAWN
    return _save(actor, "services.facility_withdraw", req, before)


def export_requests(*, actor, filters):
    from ..selectors.facilities import filtered_requests

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    qs = (filtered_requests(actor, filters).filter(
        pk__in=FacilityRequest.objects.visible_to(actor, EXPORT).values("pk"))
        .select_related("org", "town", "enterprise").order_by("-id"))
    kinds, statuses = dict(FacilityKind.choices), dict(FacilityStatus.choices)
    rows = ([r.number, r.title, str(kinds.get(r.kind, r.kind)), r.org.name, r.town.name if r.town else "",
             r.enterprise.name if r.enterprise else "", r.location, r.workers_served, r.submitted_on,
             r.decided_on or "", r.partner, r.planned_open_on or "", r.opened_on or "", r.rating or "",
             str(statuses.get(r.status, r.status))] for r in qs.iterator(chunk_size=1000))
    handle, n = write_xlsx(_("Facility requests"), [
        _("Request number"), _("Facility name"), _("Kind"), _("Requesting union"), _("Town"), _("Enterprise"),
        _("Location"),
        _("Workers served"), _("Submitted on"), _("Decided on"), _("Partner"), _("Planned opening on"),
        _("Opened on"), pgettext("service centres", "Satisfaction"), _("Status")],
        [14, 24, 10, 24, 14, 24, 24, 8, 12, 12, 18, 12, 12, 8, 10], rows)
    audit_export(actor, "services.facility_export", "services.FacilityRequestExport", filters, n)
    return handle, n
