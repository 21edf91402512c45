"""Collective wage negotiation (工资集体协商): one `WageAgreement` row carries a negotiation from
the written offer to the published agreement and its renewal (DOMAIN.md §2, Hangzhou
regulation arts. 21–24). Stages are data; every deadline is computed by `timeline.py` from the
dates recorded here, and the next one is copied to `next_due_on` so the due-soon page is one
indexed query."""

from functools import reduce
from operator import or_

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel, ScopedQuerySet, user_scope
from gonghui.orgs.models import Industry

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2,
           "validators": [MinValueValidator(-100), MaxValueValidator(100)]}


class AgreementKind(models.TextChoices):
    SINGLE = "SINGLE", pgettext_lazy("agreement kind", "Single enterprise")
    AREA = "AREA", pgettext_lazy("agreement kind", "Area")
    INDUSTRY = "INDUSTRY", pgettext_lazy("agreement kind", "Industry")


class Side(models.TextChoices):
    UNION = "UNION", _("Workers' side")
    EMPLOYER = "EMPLOYER", _("Employer side")


class Stage(models.TextChoices):
    OFFERED = "OFFERED", _("Offer sent, awaiting reply")
    REPLIED = "REPLIED", _("Reply received, preparing talks")
    IN_TALKS = "IN_TALKS", _("In talks")
    APPROVED = "APPROVED", _("Draft approved, awaiting signature")
    SIGNED = "SIGNED", _("Signed, awaiting filing")
    FILED = "FILED", pgettext_lazy("negotiation stage", "Filed, in the objection period")
    EFFECTIVE = "EFFECTIVE", _("In effect, awaiting publication")
    PUBLISHED = "PUBLISHED", _("In effect and published")
    CANCELLED = "CANCELLED", pgettext_lazy("negotiation stage", "Cancelled")


# Stages in which the negotiation is still open (one open negotiation per union and kind).
OPEN_STAGES = (Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS, Stage.APPROVED)
# Stages in which the agreement has been concluded (it binds from starts_on once effective).
CONCLUDED_STAGES = (Stage.SIGNED, Stage.FILED, Stage.EFFECTIVE, Stage.PUBLISHED)
IN_FORCE_STAGES = (Stage.EFFECTIVE, Stage.PUBLISHED)


class StepCode(models.TextChoices):
    """The steps of the statutory timeline (`timeline.py`); the value is what `next_step` holds."""

    OFFER = "offer", _("Written offer")
    REPLY = "reply", _("Written reply")
    DATA = "data", _("Wage data to the union")
    TALKS = "talks", _("Talks begin")
    VOTE = "vote", _("Draft approved by the congress or staff")
    SIGN = "sign", _("Agreement signed")
    FILE = "file", _("Filed with the labour bureau")
    EFFECTIVE = "effective", _("In effect (no objection)")
    PUBLISH = "publish", _("Published to staff")
    RENEWAL = "renewal", _("Renewal offer")


class VotingBody(models.TextChoices):
    CONGRESS = "CONGRESS", _("Workers' congress")
    ALL_STAFF = "ALL_STAFF", _("All-staff meeting")


class WageAgreementQuerySet(ScopedQuerySet):
    def visible_to(self, user, action=None):
        """The generic rule (`scope_lookups`) as one semi-join instead of three OR-ed outer joins
        and a DISTINCT: ~18 ms → ~3 ms for a page of the district's agreements on PostgreSQL.
        Rows: the union party in the user's subtree, or a covered enterprise's union or town in
        it (see docs/decisions.md "Wage negotiation")."""
        everything, paths = user_scope(user, action or self.model.default_view_action())
        if everything:
            return self
        if not paths:
            return self.none()
        from gonghui.orgs.models import Org

        # The subtree's org ids once (the path index), then plain id look-ups: an OR of two path
        # LIKEs across joins made PostgreSQL scan every enterprise and org.
        subtree = Org.objects.filter(reduce(or_, [Q(path__startswith=p) for p in paths])).values("id")
        covered = Coverage.objects.filter(Q(enterprise__union_id__in=subtree) | Q(enterprise__town_id__in=subtree))
        return self.filter(Q(org_id__in=subtree) | Q(pk__in=covered.values("agreement_id")))

    def in_force_on(self, day):
        return self.filter(stage__in=IN_FORCE_STAGES, starts_on__lte=day, ends_on__gte=day)


class WageAgreement(ScopedModel):
    """A negotiation and the agreement it produces. The union party is `org`: an enterprise's
    grassroots union (single), or the town, platform, industry or joint union that negotiates
    for many enterprises (area, industry)."""

    # Seen by the party's subtree, and by the unions and towns of every covered enterprise (a
    # union chair sees the area agreement that binds their enterprise).
    scope_lookups = ("org", "coverages__enterprise__union", "coverages__enterprise__town")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="wage_agreements",
                            verbose_name=_("union party"))
    kind = models.CharField(pgettext_lazy("wage agreement", "kind"), max_length=8, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=120)
    employer_party = models.CharField(
        _("employer party"), max_length=120,
        help_text=_("The enterprise, or the employers' organisation for an area or industry agreement."))
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices, blank=True)
    renewal_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="renewals", verbose_name=_("renews"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.OFFERED)

    # Offer (要约) and reply.
    offered_by = models.CharField(_("offer made by"), max_length=8, choices=Side.choices, default=Side.UNION)
    offered_on = models.DateField(_("offer sent on"))
    offer_received_on = models.DateField(_("offer received on"))
    offer_points = models.TextField(_("main points of the offer"), blank=True)
    proposed_talks_on = models.DateField(_("proposed date of talks"), null=True, blank=True)
    replied_on = models.DateField(_("reply received on"), null=True, blank=True)
    reply_note = models.TextField(_("reply"), blank=True)

    # Preparing the talks.
    first_meeting_on = models.DateField(_("first meeting planned on"), null=True, blank=True)
    data_provided_on = models.DateField(_("wage data provided on"), null=True, blank=True)
    recorder_name = models.CharField(_("recorder"), max_length=64, blank=True)

    # Term and contents.
    term_years = models.PositiveSmallIntegerField(
        _("term (years)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)])
    starts_on = models.DateField(_("in force from"), null=True, blank=True)
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    wage_system = models.TextField(_("wage system"), blank=True)
    avg_wage = models.DecimalField(_("annual average wage (yuan)"), null=True, blank=True, **MONEY)
    avg_increase_pct = models.DecimalField(_("average wage increase (%)"), null=True, blank=True, **PERCENT)
    min_wage = models.DecimalField(_("minimum monthly wage (yuan)"), null=True, blank=True, **MONEY)
    min_increase_pct = models.DecimalField(_("minimum wage increase (%)"), null=True, blank=True, **PERCENT)
    payment_terms = models.TextField(_("wage payment"), blank=True)
    allowances = models.TextField(_("allowances and subsidies"), blank=True)
    piece_rates = models.TextField(_("piece rates and work quotas"), blank=True)
    overtime_pay = models.TextField(_("overtime pay"), blank=True)
    leave_pay = models.TextField(_("leave pay"), blank=True)
    special_groups = models.TextField(_("apprentices and other special groups"), blank=True)
    skilled_worker_clause = models.BooleanField(_("skilled-worker clause"), default=False)
    skilled_worker_terms = models.TextField(_("skilled-worker terms"), blank=True)

    # Conclusion.
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_file = models.FileField(_("signed agreement"), upload_to="bargaining/signed/%Y/", blank=True)
    filed_on = models.DateField(_("filed with the labour bureau on"), null=True, blank=True)
    bureau_ref = models.CharField(_("filing reference"), max_length=64, blank=True)
    objection_on = models.DateField(_("bureau objection on"), null=True, blank=True)
    objection_note = models.TextField(_("bureau objection"), blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    published_on = models.DateField(_("published to staff on"), null=True, blank=True)
    publish_method = models.CharField(_("how published"), max_length=120, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    # The earliest open deadline (copied from timeline.py by every service) for the due page.
    next_step = models.CharField(_("next step"), max_length=16, blank=True, choices=StepCode.choices)
    next_due_on = models.DateField(_("next step due on"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WageAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("wage agreement")
        verbose_name_plural = _("wage agreements")
        ordering = ["-offered_on", "-id"]
        indexes = [
            models.Index(fields=["next_due_on", "id"], name="wage_next_due_idx"),
            models.Index(fields=["stage", "ends_on"], name="wage_stage_ends_idx"),
            models.Index(fields=["-offered_on", "-id"], name="wage_offered_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(term_years__gte=1, term_years__lte=3), name="wage_term_1_to_3"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="wage_ends_after_starts"),
            models.CheckConstraint(
                condition=~Q(stage__in=CONCLUDED_STAGES) | Q(signed_on__isnull=False, starts_on__isnull=False),
                name="wage_concluded_has_dates"),
            # Two people starting the same negotiation at once cannot both win.
            models.UniqueConstraint(fields=["org", "kind"], condition=Q(stage__in=OPEN_STAGES),
                                    name="wage_one_open_negotiation"),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def default_view_action(cls):
        return "bargaining.view"

    def scope_orgs(self):
        # Acting on a negotiation belongs to the union party's subtree, not to covered unions.
        return [self.org]

    @property
    def is_open(self):
        return self.stage in OPEN_STAGES

    @property
    def needs_minimum_terms(self):
        return self.kind in (AgreementKind.AREA, AgreementKind.INDUSTRY)


class Coverage(models.Model):
    """An enterprise bound by an agreement and the number of its workers covered."""

    agreement = models.ForeignKey(WageAgreement, on_delete=models.CASCADE, related_name="coverages",
                                  verbose_name=_("agreement"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.PROTECT,
                                   related_name="wage_coverages", verbose_name=_("enterprise"))
    workers = models.PositiveIntegerField(_("workers covered"))

    class Meta:
        verbose_name = _("covered enterprise")
        verbose_name_plural = _("covered enterprises")
        constraints = [models.UniqueConstraint(fields=["agreement", "enterprise"], name="wage_coverage_once")]

    def __str__(self):
        return f"{self.enterprise} ({self.workers})"


class Representative(models.Model):
    agreement = models.ForeignKey(WageAgreement, on_delete=models.CASCADE, related_name="representatives")
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    name = models.CharField(_("name"), max_length=64)
    position = models.CharField(_("position"), max_length=64, blank=True)
    is_chief = models.BooleanField(_("chief representative"), default=False)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["-side", "-is_chief", "id"]  # the workers' side (UNION) first
        constraints = [
            models.UniqueConstraint(fields=["agreement", "side"], condition=Q(is_chief=True),
                                    name="wage_one_chief_per_side"),
        ]

    def __str__(self):
        return self.name


class TalkRound(models.Model):
    """One meeting of the talks; chaired in turn, the first by the side that made the offer."""

    agreement = models.ForeignKey(WageAgreement, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    held_on = models.DateField(_("held on"))
    chaired_by = models.CharField(_("chaired by"), max_length=8, choices=Side.choices)
    minutes = models.TextField(_("minutes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("round of talks")
        verbose_name_plural = _("rounds of talks")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="wage_round_number_once")]

    def __str__(self):
        return f"#{self.number} {self.held_on:%Y-%m-%d}"


class Vote(models.Model):
    """The draft put to the workers' congress (or all staff where there is none)."""

    agreement = models.ForeignKey(WageAgreement, on_delete=models.CASCADE, related_name="votes")
    body = models.CharField(_("voting body"), max_length=10, choices=VotingBody.choices)
    held_on = models.DateField(_("held on"))
    eligible = models.PositiveIntegerField(_("delegates (or staff) in total"))
    present = models.PositiveIntegerField(_("present"))
    yes = models.PositiveIntegerField(_("in favour"))
    no = models.PositiveIntegerField(_("against"))
    abstain = models.PositiveIntegerField(_("abstaining"))
    passed = models.BooleanField(_("passed"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote on the draft")
        verbose_name_plural = _("votes on the draft")
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(present__lte=models.F("eligible")), name="wage_vote_present_le_total"),
            models.CheckConstraint(
                condition=Q(yes__lte=models.F("present") - models.F("no") - models.F("abstain")),
                name="wage_vote_ballots_le_present"),
        ]

    def __str__(self):
        return f"{self.get_body_display()} {self.held_on:%Y-%m-%d}"


class StaffRequest(ScopedModel):
    """At least a fifth of an enterprise's staff asked for wage negotiation: the enterprise union
    (or the upper union) must send the written offer by `offer_due_on`. Answered by the first
    negotiation of that union covering the enterprise that starts after the request."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="wage_staff_requests",
                            verbose_name=_("union that must send the offer"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.PROTECT,
                                   related_name="wage_staff_requests", verbose_name=_("enterprise"))
    received_on = models.DateField(_("request received on"))
    signatures = models.PositiveIntegerField(_("staff who signed"))
    headcount = models.PositiveIntegerField(_("staff of the enterprise"))
    note = models.TextField(_("what the staff ask for"), blank=True)
    offer_due_on = models.DateField(_("offer due on"))
    agreement = models.ForeignKey(WageAgreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="staff_requests", verbose_name=_("offer sent in"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff request for negotiation")
        verbose_name_plural = _("staff requests for negotiation")
        ordering = ["offer_due_on", "id"]
        indexes = [models.Index(fields=["offer_due_on", "id"], name="wage_request_due_idx")]
        constraints = [
            # At least one fifth of the staff: what makes the request binding.
            models.CheckConstraint(condition=Q(signatures__gte=1) & Q(headcount__lte=models.F("signatures") * 5),
                                   name="wage_request_one_fifth"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.received_on:%Y-%m-%d}"

    @classmethod
    def default_view_action(cls):
        return "bargaining.view"
