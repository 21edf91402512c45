"""Liaison points (联系基层工作点, DOMAIN.md §4): district and town cadres are assigned enterprises
(the district's top-100 list is `Enterprise.top100`), log their visits with the topics discussed
and the problems found, and follow each problem up with an action that has an owner, a due date
and a closure.

- `LiaisonAssignment`: a cadre's liaison point at one enterprise for a period (one live
  assignment per cadre and enterprise: a DB constraint);
- `LiaisonVisit`: one visit; its topics are `LiaisonVisitTopic` rows (one per topic: an indexed
  column that filters the same way on SQLite and PostgreSQL, where a JSON list would need
  `__contains`, which SQLite lacks);
- `LiaisonFollowUp`: an action agreed at a visit, open until closed with a note.

The cadre of an assignment or a visit is a user account when there is one (`cadre`) and always
a name (`cadre_name`): visits entered from paper records and the demo's cadres have no account,
and a cadre's account may later be deactivated — the record keeps who it was.

Every row is placed by the enterprise's town (`town`, copied at the time) and seen also from the
enterprise's own union (a chair sees the visits to their enterprise).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "AssignmentStatus",
    "FollowUpStatus",
    "LiaisonAssignment",
    "LiaisonFollowUp",
    "LiaisonTopic",
    "LiaisonVisit",
    "LiaisonVisitTopic",
]


class LiaisonTopic(models.TextChoices):
    FOUNDING = "FOUNDING", pgettext_lazy("liaison topic", "Forming a union (组建)")
    ELECTION = "ELECTION", pgettext_lazy("liaison topic", "Committee election (换届)")
    CONGRESS = "CONGRESS", pgettext_lazy("liaison topic", "Workers' congress (职代会)")
    WAGES = "WAGES", pgettext_lazy("liaison topic", "Wage bargaining (工资协商)")
    SAFETY = "SAFETY", pgettext_lazy("liaison topic", "Work safety (安全生产)")
    LABOUR_RELATIONS = "LABOUR_RELATIONS", pgettext_lazy("liaison topic", "Labour relations (劳动关系)")
    SERVICES = "SERVICES", pgettext_lazy("liaison topic", "Services to workers (职工服务)")
    OTHER = "OTHER", pgettext_lazy("liaison topic", "Other")


class AssignmentStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("liaison assignment status", "Active")
    ENDED = "ENDED", pgettext_lazy("liaison assignment status", "Ended")


class FollowUpStatus(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("follow-up status", "Open")
    CLOSED = "CLOSED", pgettext_lazy("follow-up status", "Closed")


class LiaisonRecord(ScopedModel):
    scope_lookups = ("town", "enterprise__union")

    class Meta:
        abstract = True

    @classmethod
    def default_view_action(cls):
        return "grassroots.view"

    def scope_orgs(self):
        return [o for o in (self.town, self.enterprise.union) if o is not None]


class LiaisonAssignment(LiaisonRecord):
    town = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="liaison_assignments",
                             verbose_name=_("town"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.CASCADE, related_name="liaison_assignments",
                                   verbose_name=_("enterprise"))
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="liaison_assignments", verbose_name=_("cadre (account)"))
    cadre_name = models.CharField(_("liaison cadre"), max_length=64)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True,
                               help_text=_("Leave empty while the assignment is open-ended."))
    status = models.CharField(_("status"), max_length=8, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ACTIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("liaison assignment")
        verbose_name_plural = _("liaison assignments")
        indexes = [models.Index(fields=["town", "status"], name="liaison_asg_town_status_idx"),
                   models.Index(fields=["enterprise", "status"], name="liaison_asg_ent_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "enterprise"], condition=Q(status="ACTIVE", cadre__isnull=False),
                                    name="liaison_one_live_assignment_per_cadre"),
            models.UniqueConstraint(fields=["cadre_name", "enterprise"],
                                    condition=Q(status="ACTIVE", cadre__isnull=True),
                                    name="liaison_one_live_assignment_per_cadre_name"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="liaison_assignment_period_order"),
        ]

    def __str__(self):
        return f"{self.cadre_name} · {self.enterprise.name}" if self.enterprise_id else self.cadre_name


class LiaisonVisit(LiaisonRecord):
    town = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="liaison_visits",
                             verbose_name=_("town"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.CASCADE, related_name="liaison_visits",
                                   verbose_name=_("enterprise"))
    visited_on = models.DateField(_("visited on"))
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="liaison_visits", verbose_name=_("cadre (account)"))
    cadre_name = models.CharField(_("liaison cadre"), max_length=64)
    companions = models.CharField(_("other cadres on the visit"), max_length=200, blank=True)
    topic_other = models.CharField(_("other topic"), max_length=100, blank=True)
    notes = models.TextField(_("what was discussed"), blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("liaison visit")
        verbose_name_plural = _("liaison visits")
        indexes = [models.Index(fields=["town", "visited_on"], name="liaison_visit_town_day_idx"),
                   models.Index(fields=["enterprise", "visited_on"], name="liaison_visit_ent_day_idx"),
                   models.Index(fields=["visited_on"], name="liaison_visit_day_idx")]

    def __str__(self):
        name = self.enterprise.name if self.enterprise_id else ""
        return f"{name} {self.visited_on:%Y-%m-%d}" if self.visited_on else name

    @property
    def topic_codes(self):
        return [t.topic for t in self.topics.all()]

    def topic_labels(self):
        labels = dict(LiaisonTopic.choices)
        return [labels.get(code, code) for code in sorted(self.topic_codes, key=TOPIC_ORDER.index)]


TOPIC_ORDER = list(LiaisonTopic.values)


class LiaisonVisitTopic(models.Model):
    visit = models.ForeignKey(LiaisonVisit, on_delete=models.CASCADE, related_name="topics",
                              verbose_name=_("liaison visit"))
    topic = models.CharField(pgettext_lazy("liaison visit", "topic"), max_length=20, choices=LiaisonTopic.choices)

    class Meta:
        verbose_name = _("visit topic")
        verbose_name_plural = _("visit topics")
        constraints = [models.UniqueConstraint(fields=["visit", "topic"], name="liaison_visit_topic_once")]
        indexes = [models.Index(fields=["topic", "visit"], name="liaison_topic_visit_idx")]

    def __str__(self):
        return self.get_topic_display()


class LiaisonFollowUp(LiaisonRecord):
    visit = models.ForeignKey(LiaisonVisit, on_delete=models.CASCADE, related_name="follow_ups",
                              verbose_name=_("liaison visit"))
    town = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="liaison_follow_ups",
                             verbose_name=_("town"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.CASCADE, related_name="liaison_follow_ups",
                                   verbose_name=_("enterprise"))
    action = models.CharField(_("action to take"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="liaison_follow_ups", verbose_name=_("owner (account)"))
    owner_name = models.CharField(_("owner"), max_length=64)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_note = models.CharField(_("closure note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        indexes = [models.Index(fields=["status", "due_on"], name="liaison_fu_status_due_idx"),
                   models.Index(fields=["town", "status", "due_on"], name="liaison_fu_town_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="OPEN", closed_on__isnull=True)
                           | Q(status="CLOSED", closed_on__isnull=False)),
                name="liaison_followup_closed_has_date"),
        ]

    def __str__(self):
        return self.action[:60]

    def is_overdue(self, on):
        return self.status == FollowUpStatus.OPEN and self.due_on < on
