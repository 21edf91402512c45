"""Committee elections (换届选举), DOMAIN.md §4, from the plan to the approved result.

- `Election`: one election of a grassroots union's committee. The plan (electorate, those
  entitled to vote, seats from the legal size table, term), its approval by the upper union, the
  committee's first meeting (chair and vice-chairs) and the approval of the result, after which
  the committees area seats the new committee. At most one *open* election per union (DB
  constraint `grassroots_one_open_election_per_union`).
- `ElectionCandidate`: the candidates of the plan (差额: more candidates than seats), with the
  declared eligibility for chair/vice-chair (close relatives of senior managers are barred).
- `ElectionMeeting`: each (attempted) election meeting with its attendance; a meeting with
  fewer than two thirds of those entitled present is recorded as invalid.
- `ElectionRound` and `RoundVote`: the ballots of each voting round, per candidate; a further
  round among the tied or the not-elected fills seats a round left empty.

Rows are scoped through the union (`org`): the union and every level above it see them.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "OPEN_ELECTION_STATUSES",
    "CandidatePosition",
    "Election",
    "ElectionCandidate",
    "ElectionMeeting",
    "ElectionRound",
    "ElectionStatus",
    "Electorate",
    "RoundStatus",
    "RoundVote",
]


class Electorate(models.TextChoices):
    MEMBERS = "MEMBERS", _("Member assembly (会员大会)")
    DELEGATES = "DELEGATES", _("Delegates' assembly (会员代表大会)")


class ElectionStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("election status", "Plan in preparation")
    PLAN_SUBMITTED = "PLAN_SUBMITTED", pgettext_lazy("election status", "Plan awaiting approval")
    PLAN_APPROVED = "PLAN_APPROVED", pgettext_lazy("election status", "Plan approved")
    VOTING = "VOTING", pgettext_lazy("election status", "Voting")
    ELECTED = "ELECTED", pgettext_lazy("election status", "Committee elected")
    RESULT_SUBMITTED = "RESULT_SUBMITTED", pgettext_lazy("election status", "Result awaiting approval")
    APPROVED = "APPROVED", pgettext_lazy("election status", "Result approved")
    CANCELLED = "CANCELLED", pgettext_lazy("election status", "Cancelled")


OPEN_ELECTION_STATUSES = (
    ElectionStatus.DRAFT, ElectionStatus.PLAN_SUBMITTED, ElectionStatus.PLAN_APPROVED, ElectionStatus.VOTING,
    ElectionStatus.ELECTED, ElectionStatus.RESULT_SUBMITTED,
)


class CandidatePosition(models.TextChoices):
    """What a candidate is proposed for (and, after the committee's first meeting, what they hold).
    The same values as the committees area's `CommitteePosition`."""

    CHAIR = "CHAIR", pgettext_lazy("committee position", "Chair")
    VICE_CHAIR = "VICE_CHAIR", pgettext_lazy("committee position", "Vice-chair")
    MEMBER = "MEMBER", pgettext_lazy("committee position", "Committee member")


class RoundStatus(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("voting round", "Open")
    COUNTED = "COUNTED", pgettext_lazy("voting round", "Counted")


class Election(ScopedModel):
    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="elections", verbose_name=_("union"))
    electorate = models.CharField(_("electorate"), max_length=10, choices=Electorate.choices)
    members_count = models.PositiveIntegerField(_("members"), help_text=_("Live members of the union when planned."))
    entitled_voters = models.PositiveIntegerField(_("entitled to vote"))
    seats = models.PositiveSmallIntegerField(_("committee seats"))
    term_years = models.PositiveSmallIntegerField(_("term (years)"))
    planned_meeting_on = models.DateField(_("planned meeting date"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ElectionStatus.choices,
                              default=ElectionStatus.DRAFT)

    plan_submitted_on = models.DateField(_("plan submitted on"), null=True, blank=True)
    plan_returned_on = models.DateField(_("plan returned on"), null=True, blank=True)
    plan_return_reason = models.CharField(_("reason the plan was returned"), max_length=400, blank=True)
    plan_approved_on = models.DateField(_("plan approved on"), null=True, blank=True)
    plan_approval_no = models.CharField(_("plan approval number"), max_length=64, blank=True)

    meeting_held_on = models.DateField(_("election meeting held on"), null=True, blank=True)
    first_meeting_on = models.DateField(_("committee's first meeting on"), null=True, blank=True)

    result_submitted_on = models.DateField(_("result submitted on"), null=True, blank=True)
    result_returned_on = models.DateField(_("result returned on"), null=True, blank=True)
    result_return_reason = models.CharField(_("reason the result was returned"), max_length=400, blank=True)
    result_approved_on = models.DateField(_("result approved on"), null=True, blank=True)
    result_approval_no = models.CharField(_("result approval number"), max_length=64, blank=True)

    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("committee election")
        verbose_name_plural = _("committee elections")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "id"], name="gr_election_status_idx"),
            models.Index(fields=["planned_meeting_on", "id"], name="gr_election_meeting_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["org"], condition=Q(status__in=OPEN_ELECTION_STATUSES),
                                    name="grassroots_one_open_election_per_union"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="grassroots_election_seats_positive"),
            models.CheckConstraint(condition=Q(entitled_voters__gte=1), name="grassroots_election_entitled_positive"),
            models.CheckConstraint(condition=~Q(status=ElectionStatus.APPROVED) | Q(result_approved_on__isnull=False),
                                   name="grassroots_election_approved_has_date"),
            models.CheckConstraint(condition=Q(result_approved_on__isnull=True)
                                   | Q(plan_approved_on__isnull=False, result_approved_on__gte=F("plan_approved_on")),
                                   name="grassroots_election_result_after_plan"),
        ]

    def __str__(self):
        return f"{self.org.name} · {self.planned_meeting_on:%Y}"

    @property
    def is_open(self):
        return self.status in OPEN_ELECTION_STATUSES


class ElectionCandidate(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates",
                                 verbose_name=_("committee election"))
    name = models.CharField(_("name"), max_length=64)
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="election_candidacies", verbose_name=_("member"))
    gender = models.CharField(_("gender"), max_length=1, blank=True)
    proposed_position = models.CharField(_("proposed for"), max_length=10, choices=CandidatePosition.choices,
                                         default=CandidatePosition.MEMBER)
    relative_of_manager = models.BooleanField(
        _("close relative of a senior manager"), default=False,
        help_text=_("Declared: spouse, parent, child or sibling of the enterprise's senior managers."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    elected = models.BooleanField(_("elected"), default=False)
    elected_round = models.PositiveSmallIntegerField(_("elected in round"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=10, choices=CandidatePosition.choices, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "name"], name="grassroots_candidate_name_once"),
            # Close relatives of senior managers never hold or stand for chair/vice-chair.
            models.CheckConstraint(
                condition=Q(relative_of_manager=False)
                | (Q(proposed_position=CandidatePosition.MEMBER) & ~Q(position__in=(CandidatePosition.CHAIR,
                                                                                   CandidatePosition.VICE_CHAIR))),
                name="grassroots_candidate_relative_not_officer"),
        ]

    def __str__(self):
        return self.name


class ElectionMeeting(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="meetings",
                                 verbose_name=_("committee election"))
    held_on = models.DateField(_("held on"))
    entitled = models.PositiveIntegerField(_("entitled to vote"))
    present = models.PositiveIntegerField(_("present"))
    valid = models.BooleanField(_("valid"))
    note = models.CharField(_("note"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("election meeting")
        verbose_name_plural = _("election meetings")
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(present__lte=F("entitled")),
                                   name="grassroots_meeting_present_le_entitled"),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d}"


class ElectionRound(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="rounds",
                                 verbose_name=_("committee election"))
    meeting = models.ForeignKey(ElectionMeeting, on_delete=models.CASCADE, related_name="rounds",
                                verbose_name=_("election meeting"))
    number = models.PositiveSmallIntegerField(_("round"))
    seats = models.PositiveSmallIntegerField(_("seats to fill"))
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    ballots_issued = models.PositiveIntegerField(_("ballots issued"), null=True, blank=True)
    ballots_returned = models.PositiveIntegerField(_("ballots returned"), null=True, blank=True)
    ballots_valid = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)
    counted_on = models.DateField(_("counted on"), null=True, blank=True)
    outcome = models.CharField(pgettext_lazy("voting round", "outcome"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="grassroots_round_number_once"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="grassroots_round_seats_positive"),
            models.CheckConstraint(
                condition=Q(ballots_returned__isnull=True) | Q(ballots_returned__lte=F("ballots_issued")),
                name="grassroots_round_returned_le_issued"),
            models.CheckConstraint(
                condition=Q(ballots_valid__isnull=True) | Q(ballots_valid__lte=F("ballots_returned")),
                name="grassroots_round_valid_le_returned"),
        ]

    def __str__(self):
        return f"{self.number}"


class RoundVote(models.Model):
    """One candidate standing in one round: the votes counted for them, and the outcome."""

    round = models.ForeignKey(ElectionRound, on_delete=models.CASCADE, related_name="votes",
                              verbose_name=_("voting round"))
    candidate = models.ForeignKey(ElectionCandidate, on_delete=models.CASCADE, related_name="round_votes",
                                  verbose_name=_("candidate"))
    votes = models.PositiveIntegerField(pgettext_lazy("election", "votes"), null=True, blank=True)
    elected = models.BooleanField(_("elected"), default=False)
    tied = models.BooleanField(_("tied at the last seat"), default=False)

    class Meta:
        verbose_name = _("votes of a candidate")
        verbose_name_plural = _("votes of candidates")
        ordering = ["round", "candidate__order", "candidate_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate"], name="grassroots_vote_once_per_round"),
        ]

    def __str__(self):
        return f"{self.candidate_id}: {self.votes}"
