"""Workers' congresses (职代会), the proposal system (提案制) and open management (厂务公开),
DOMAIN.md §3.

- `CongressBody`: one term of an enterprise's congress (≥100 staff) or all-staff meeting, with
  its delegate quota computed from headcount (`rules.delegate_quota`).
- `Delegate`: a delegate (or substitute) of a body, by group and category; managers are capped
  at a share of the delegates (`rules.manager_share_max`).
- `Session`: one meeting of a body: agenda, papers sent ≥7 days before, attendance against the
  quorum, a vote per item (passes with > half of ALL delegates), resolutions, and the report to
  the upper union within 7 working days (`report_due_on`).
- `Proposal`: a delegate's proposal from draft to archive; the reply is due two months after it
  is assigned (+1 month once), rolled to the next working day.
- `Disclosure`: one item of the yearly 厂务公开 checklist disclosed on a date through a channel.

Every row belongs to the enterprise's grassroots union (`org`), which places it in the tree.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


# --- congress bodies and delegates --------------------------------------------------------------
class BodyKind(models.TextChoices):
    CONGRESS = "CONGRESS", _("Workers' congress")
    ALL_STAFF = "ALL_STAFF", _("All-staff meeting")


class BodyStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("congress term", "Current term")
    ENDED = "ENDED", pgettext_lazy("congress term", "Term ended")


class CongressBody(ScopedModel):
    """One term (届) of an enterprise's workers' congress or all-staff meeting."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="congress_bodies",
                            verbose_name=_("union"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.PROTECT, related_name="congress_bodies",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("form"), max_length=10, choices=BodyKind.choices)
    term_number = models.PositiveSmallIntegerField(_("term number"), default=1,
                                                   validators=[MinValueValidator(1)])
    term_years = models.PositiveSmallIntegerField(pgettext_lazy("congress", "term (years)"), default=3,
                                                  validators=[MinValueValidator(3), MaxValueValidator(5)])
    term_starts_on = models.DateField(_("term starts on"))
    term_ends_on = models.DateField(_("term ends on"))
    # Staff at the time the term was constituted: the form and the quota follow from it.
    headcount = models.PositiveIntegerField(_("staff at constitution"))
    delegate_quota = models.PositiveIntegerField(
        _("delegate quota"), default=0,
        help_text=_("Computed from the headcount; 0 for an all-staff meeting (every worker attends)."))
    status = models.CharField(_("status"), max_length=8, choices=BodyStatus.choices, default=BodyStatus.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("workers' congress")
        verbose_name_plural = _("workers' congresses")
        ordering = ["-term_starts_on", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="congress_body_org_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(term_years__gte=3, term_years__lte=5), name="congress_term_3_to_5"),
            models.CheckConstraint(condition=Q(term_ends_on__gt=F("term_starts_on")),
                                   name="congress_term_ends_after_start"),
            models.UniqueConstraint(fields=["enterprise"], condition=Q(status="ACTIVE"),
                                    name="congress_one_current_term",
                                    violation_error_message=_("This enterprise already has a congress in its "
                                                              "current term; end that term first.")),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_kind_display()} ({self.term_number})"


class DelegateCategory(models.TextChoices):
    FRONT_LINE = "FRONT_LINE", _("Front-line worker")
    TECHNICIAN = "TECHNICIAN", _("Technician or professional")
    MANAGER = "MANAGER", _("Middle or senior manager")
    OTHER = "OTHER", pgettext_lazy("delegate category", "Other")


class Delegate(ScopedModel):
    """A delegate (or substitute) of one congress term. `person` links the registry when the
    delegate is a member there; the name is kept either way (the roll is a public document)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="congress_delegates",
                            verbose_name=_("union"))
    body = models.ForeignKey(CongressBody, on_delete=models.CASCADE, related_name="delegates",
                             verbose_name=_("workers' congress"))
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="congress_delegacies", verbose_name=_("member"))
    name = models.CharField(_("name"), max_length=64)
    group = models.CharField(_("delegation"), max_length=60, blank=True,
                             help_text=_("The delegation (代表团) or group the delegate belongs to."))
    category = models.CharField(_("category"), max_length=12, choices=DelegateCategory.choices)
    is_substitute = models.BooleanField(_("substitute"), default=False)
    elected_on = models.DateField(_("elected on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(pgettext_lazy("congress delegate", "reason for leaving"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["body", "group", "name", "id"]
        indexes = [models.Index(fields=["body", "ended_on"], name="congress_delegate_body_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("elected_on")),
                                   name="congress_delegate_ends_after_elected"),
            models.UniqueConstraint(fields=["body", "person"], condition=Q(person__isnull=False, ended_on__isnull=True),
                                    name="congress_delegate_once_per_term",
                                    violation_error_message=_("This member is already a delegate of this "
                                                              "congress.")),
        ]

    def __str__(self):
        return self.name


# --- sessions ------------------------------------------------------------------------------------
class SessionStatus(models.TextChoices):
    PLANNED = "PLANNED", pgettext_lazy("congress session", "Planned")
    HELD = "HELD", pgettext_lazy("congress session", "Held, report due")
    REPORTED = "REPORTED", pgettext_lazy("congress session", "Reported to the upper union")
    CANCELLED = "CANCELLED", pgettext_lazy("congress session", "Cancelled")


class Session(ScopedModel):
    """One meeting (届次会议) of a congress term."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="congress_sessions",
                            verbose_name=_("union"))
    body = models.ForeignKey(CongressBody, on_delete=models.PROTECT, related_name="sessions",
                             verbose_name=_("workers' congress"))
    number = models.PositiveSmallIntegerField(_("session number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.PLANNED)
    planned_on = models.DateField(_("planned for"))
    venue = models.CharField(_("venue"), max_length=120, blank=True)
    papers_sent_on = models.DateField(_("papers sent to delegates on"), null=True, blank=True)
    # Papers must reach the delegates 7 days before; a session whose papers were late is recorded
    # as held only with the reason acknowledged here (`services/sessions.record_held`).
    papers_late_reason = models.CharField(_("why the papers were late"), max_length=200, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    # Entitled to attend when the session was held: delegates of the term (not substitutes), or
    # the staff for an all-staff meeting. Quorum and "> half of ALL" are counted against it.
    entitled = models.PositiveIntegerField(_("entitled to attend"), null=True, blank=True)
    present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    resolutions = models.TextField(_("resolutions"), blank=True)
    report_due_on = models.DateField(_("report to the upper union due on"), null=True, blank=True)
    reported_on = models.DateField(_("reported to the upper union on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("congress session")
        verbose_name_plural = _("congress sessions")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["held_on", "org"], name="congress_session_held_idx"),
            models.Index(fields=["status", "report_due_on"], name="congress_session_due_idx"),
            models.Index(fields=["-planned_on", "-id"], name="congress_session_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="congress_session_number_once"),
            models.CheckConstraint(
                condition=Q(present__isnull=True) | Q(entitled__isnull=False, present__lte=F("entitled")),
                name="congress_session_present_le_entitled"),
            models.CheckConstraint(
                condition=~Q(status__in=["HELD", "REPORTED"])
                | Q(held_on__isnull=False, present__isnull=False, report_due_on__isnull=False),
                name="congress_session_held_has_attendance"),
            models.CheckConstraint(condition=~Q(status="REPORTED") | Q(reported_on__isnull=False),
                                   name="congress_session_reported_has_date"),
        ]

    def __str__(self):
        return self.title


class AgendaKind(models.TextChoices):
    WORK_REPORT = "WORK_REPORT", _("Management's work report")
    COLLECTIVE_CONTRACT = "COLLECTIVE_CONTRACT", _("Collective contract draft")
    WAGE_AGREEMENT = "WAGE_AGREEMENT", _("Wage agreement draft")
    OPEN_AFFAIRS = "OPEN_AFFAIRS", _("Open management report (厂务公开)")
    MANAGER_EVALUATION = "MANAGER_EVALUATION", _("Evaluation of managers")
    RULES = "RULES", _("Rules affecting staff")
    WELFARE = "WELFARE", _("Welfare and benefits")
    PROPOSALS = "PROPOSALS", _("Report on proposals")
    OTHER = "OTHER", pgettext_lazy("agenda item", "Other")


class AgendaItem(models.Model):
    """An item of a session's agenda, with its vote when it needs one. `passed` is stored from
    the counts by the service: > half of ALL entitled delegates, not of those present."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda_items",
                                verbose_name=_("congress session"))
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=AgendaKind.choices, default=AgendaKind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    requires_vote = models.BooleanField(_("put to the vote"), default=True)
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="congress_agenda_position_once"),
            models.CheckConstraint(condition=Q(passed__isnull=True) | Q(requires_vote=True, votes_for__isnull=False),
                                   name="congress_agenda_passed_needs_votes"),
        ]

    def __str__(self):
        return self.title


# --- proposals -----------------------------------------------------------------------------------
class ProposalStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("proposal", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("proposal", "Submitted, under review")
    CONVERTED = "CONVERTED", pgettext_lazy("proposal", "Converted to a suggestion")
    REJECTED = "REJECTED", pgettext_lazy("proposal", "Not accepted")
    ACCEPTED = "ACCEPTED", pgettext_lazy("proposal", "Accepted, to be assigned")
    ASSIGNED = "ASSIGNED", pgettext_lazy("proposal", "Assigned, reply due")
    REPLIED = "REPLIED", pgettext_lazy("proposal", "Replied, awaiting the proposer's rating")
    ARCHIVED = "ARCHIVED", pgettext_lazy("proposal", "Closed and archived")


# A proposal whose reply clock is running (the due-soon page and the reminders read these).
OPEN_PROPOSAL_STATUSES = (ProposalStatus.ACCEPTED, ProposalStatus.ASSIGNED)


class ProposalCategory(models.TextChoices):
    PRODUCTION = "PRODUCTION", _("Production and operations")
    MANAGEMENT = "MANAGEMENT", _("Management and rules")
    WAGES = "WAGES", _("Wages and pay")
    SAFETY = "SAFETY", _("Safety and health")
    WELFARE = "WELFARE", _("Welfare and living conditions")
    TRAINING = "TRAINING", _("Training and careers")
    OTHER = "OTHER", pgettext_lazy("proposal category", "Other")


class ReplyOutcome(models.TextChoices):
    SOLVED = "A", _("A — solved")
    PLANNED = "B", _("B — put in the plan")
    NOT_NOW = "C", _("C — cannot be solved for now")


# Outcomes that count a proposal as adopted (采纳) in the statistics.
ADOPTED_OUTCOMES = (ReplyOutcome.SOLVED, ReplyOutcome.PLANNED)


class Satisfaction(models.TextChoices):
    SATISFIED = "SATISFIED", _("Satisfied")
    BASICALLY = "BASICALLY", _("Basically satisfied")
    UNSATISFIED = "UNSATISFIED", _("Not satisfied")


class Proposal(ScopedModel):
    """A delegate's proposal (提案). The workflow is in `services/proposals.py`."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="congress_proposals",
                            verbose_name=_("union"))
    body = models.ForeignKey(CongressBody, on_delete=models.PROTECT, related_name="proposals",
                             verbose_name=_("workers' congress"))
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="proposals", verbose_name=_("congress session"))
    number = models.CharField(_("proposal number"), max_length=20, blank=True,
                              help_text=_("Given when the proposal is accepted, e.g. 2026-007."))
    title = models.CharField(_("subject"), max_length=120)
    category = models.CharField(_("category"), max_length=12, choices=ProposalCategory.choices)
    reasons = models.TextField(_("reasons"))
    suggestions = models.TextField(_("what is proposed"))
    proposer = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="proposals",
                                 verbose_name=_("proposer"))
    cosigners = models.ManyToManyField(Delegate, related_name="cosigned_proposals", blank=True,
                                       verbose_name=_("co-signing delegates"))
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.DRAFT)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_reason = models.TextField(_("review reason"), blank=True)
    department = models.CharField(_("responsible department"), max_length=80, blank=True)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    due_on = models.DateField(_("reply due on"), null=True, blank=True)
    extended = models.BooleanField(_("extended"), default=False)
    extension_reason = models.CharField(_("reason for the extension"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=1, choices=ReplyOutcome.choices, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    satisfaction = models.CharField(_("proposer's rating"), max_length=12, choices=Satisfaction.choices, blank=True)
    rated_on = models.DateField(_("rated on"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    benefit_estimated = models.DecimalField(_("estimated benefit (yuan)"), null=True, blank=True, **MONEY)
    benefit_verified = models.DecimalField(_("verified benefit (yuan)"), null=True, blank=True, **MONEY)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="congress_proposal_due_idx"),
            models.Index(fields=["org", "status"], name="congress_proposal_org_idx"),
            models.Index(fields=["session", "status"], name="congress_proposal_session_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(reopen_count__lte=1), name="congress_proposal_reopen_once"),
            # Numbers are given under a lock on the body row (services/proposals.py); this is
            # the net under that lock.
            models.UniqueConstraint(fields=["body", "number"], condition=~Q(number=""),
                                    name="congress_proposal_number_once",
                                    violation_error_message=_("This proposal number is already taken in this "
                                                              "congress.")),
            models.CheckConstraint(condition=~Q(status__in=["ASSIGNED", "REPLIED", "ARCHIVED"]) | ~Q(department=""),
                                   name="congress_proposal_assigned_has_department"),
            models.CheckConstraint(condition=~Q(status__in=["REPLIED", "ARCHIVED"]) | ~Q(outcome=""),
                                   name="congress_proposal_replied_has_outcome"),
            models.CheckConstraint(condition=Q(benefit_estimated__isnull=True) | Q(benefit_estimated__gte=0),
                                   name="congress_proposal_benefit_estimated_ge_0"),
            models.CheckConstraint(condition=Q(benefit_verified__isnull=True) | Q(benefit_verified__gte=0),
                                   name="congress_proposal_benefit_verified_ge_0"),
        ]

    def __str__(self):
        return self.title


# --- 厂务公开 -------------------------------------------------------------------------------------
class DisclosureChannel(models.TextChoices):
    NOTICE_BOARD = "NOTICE_BOARD", _("Notice board")
    CONGRESS = "CONGRESS", _("Workers' congress")
    MEETING = "MEETING", _("Staff meeting")
    INTRANET = "INTRANET", _("Intranet or office system")
    MESSAGING = "MESSAGING", _("WeChat group or official account")
    OTHER = "OTHER", pgettext_lazy("disclosure channel", "Other")


class Disclosure(ScopedModel):
    """One item of the yearly open-management checklist (`rules.disclosure_items`) disclosed to
    staff. An item may be disclosed several times a year; the checklist needs at least one."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="disclosures",
                            verbose_name=_("union"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.PROTECT, related_name="disclosures",
                                   verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"))
    item = models.CharField(_("item"), max_length=24)
    disclosed_on = models.DateField(_("disclosed on"))
    channel = models.CharField(_("channel"), max_length=12, choices=DisclosureChannel.choices)
    summary = models.CharField(_("what was disclosed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("open-management disclosure")
        verbose_name_plural = _("open-management disclosures")
        ordering = ["-disclosed_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "year", "item"], name="congress_disclosure_item_idx"),
                   models.Index(fields=["year", "org"], name="congress_disclosure_year_idx")]

    def __str__(self):
        return f"{self.enterprise} {self.year} {self.item}"
