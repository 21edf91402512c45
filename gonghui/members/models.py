"""The real-name member registry: one Person per ID number, membership as a series of periods
(一次入会、动态接转), and transfers between unions as a two-sided workflow."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import pii
from gonghui.core.regions import PROVINCE_CHOICES
from gonghui.core.scoping import ScopedModel, ScopedQuerySet


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    PRIMARY = "PRIMARY", _("Primary school or below")
    JUNIOR = "JUNIOR", _("Junior middle school")
    SENIOR = "SENIOR", _("Senior middle / vocational school")
    COLLEGE = "COLLEGE", _("Junior college")
    BACHELOR = "BACHELOR", _("Bachelor's degree")
    POSTGRADUATE = "POSTGRADUATE", _("Postgraduate")


class SkillLevel(models.TextChoices):
    NONE = "NONE", _("No vocational qualification")
    LEVEL5 = "LEVEL5", _("Junior worker (level 5)")
    LEVEL4 = "LEVEL4", _("Intermediate worker (level 4)")
    LEVEL3 = "LEVEL3", _("Senior worker (level 3)")
    LEVEL2 = "LEVEL2", _("Technician (level 2)")
    LEVEL1 = "LEVEL1", _("Senior technician (level 1)")


class Person(ScopedModel):
    """One real person. ID and phone are stored encrypted, with keyed hashes for lookup."""

    # A person is visible wherever they hold (or held) a membership in the user's subtree.
    scope_lookups = ("memberships__union",)

    name = models.CharField(_("name"), max_length=64)
    name_initials = models.CharField(_("pinyin initials"), max_length=32, db_index=True)
    id_number_enc = models.TextField()
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(_("ID card number"), max_length=18)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_on = models.DateField(_("date of birth"))
    phone_enc = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("mobile"), max_length=11, blank=True)
    hometown_province = models.CharField(_("hometown province"), max_length=16, choices=PROVINCE_CHOICES)
    is_migrant = models.BooleanField(_("migrant worker"), default=False)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    skill_level = models.CharField(_("skill level"), max_length=8, choices=SkillLevel.choices,
                                   default=SkillLevel.NONE)
    # The login of the person on the member portal (phone pages: enrol in a course, check in…);
    # None until the person has an account. Set by `members.services.link_member_account`.
    account = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="member_person", verbose_name=_("member portal account"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["name"], name="person_name_idx")]
        permissions = [("reveal_pii", "Can reveal full ID and phone numbers")]

    def __str__(self):
        return self.name

    def rename_memberships(self):
        """Copy a changed name to the search columns of the person's memberships
        (Membership.person_name): a person has a handful of periods, and every one of them is
        found under the current name."""
        self.memberships.update(person_name=self.name, person_initials=self.name_initials)

    @classmethod
    def default_view_action(cls):
        return "members.view"

    # Clear values are only produced on purpose (a reveal, an authorised export).
    def id_number(self):
        return pii.decrypt(self.id_number_enc)

    def phone(self):
        return pii.decrypt(self.phone_enc)

    def set_id_number(self, number: str):
        self.id_number_enc = pii.encrypt(number)
        self.id_number_hash = pii.lookup_hash(number)
        self.id_number_masked = pii.mask_id_number(number)

    def set_phone(self, number: str):
        self.phone_enc = pii.encrypt(number)
        self.phone_hash = pii.lookup_hash(number)
        self.phone_masked = pii.mask_phone(number)


class MembershipStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Active")
    TRANSFER_PENDING = "TRANSFER_PENDING", _("Transfer pending")
    TRANSFERRED_OUT = "TRANSFERRED_OUT", _("Transferred out")
    LEFT = "LEFT", _("Left")


LIVE_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.TRANSFER_PENDING)


class JoinKind(models.TextChoices):
    NEW = "NEW", _("Joined")
    TRANSFER_IN = "TRANSFER_IN", _("Transferred in")
    REJOIN = "REJOIN", _("Rejoined")


class MembershipQuerySet(ScopedQuerySet):
    def live(self):
        return self.filter(status__in=LIVE_STATUSES)


class Membership(ScopedModel):
    """One period of membership in one grassroots union. Never overwritten: a transfer or
    leaving closes the period and (for a transfer) opens a new one elsewhere."""

    scope_lookups = ("union",)
    audit_exclude = ("person_name", "person_initials")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships",
                               verbose_name=_("person"))
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="memberships",
                              verbose_name=_("union"))
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="memberships", verbose_name=_("employer"))
    status = models.CharField(_("status"), max_length=16, choices=MembershipStatus.choices,
                              default=MembershipStatus.ACTIVE)
    joined_on = models.DateField(_("joined on"))
    join_kind = models.CharField(_("how joined"), max_length=12, choices=JoinKind.choices,
                                 default=JoinKind.NEW)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Copies of the person's name and pinyin initials, so that a name search filters and counts
    # on the membership table's own partial indexes (scope, status and name in one index)
    # instead of joining 600,000 people: see docs/performance.md. Kept in step by `save()` on
    # creation and by every service that renames a person (`Person.rename_memberships`).
    person_name = models.CharField(max_length=64, default="", editable=False)
    person_initials = models.CharField(max_length=32, default="", editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["union", "status"], name="membership_union_status_idx"),
            models.Index(fields=["status", "id"], name="membership_status_id_idx"),
            # Not partial (WHERE status IN …): SQLite cannot match a partial index against a query
            # whose status list is a bound parameter. Status inside the key keeps scans index-only.
            models.Index(fields=["person_name", "status", "union", "id"], name="membership_name_idx"),
            models.Index(fields=["person_initials", "status", "union", "id"], name="membership_initials_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=["ACTIVE", "TRANSFER_PENDING"]),
                name="one_live_membership_per_person",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["ACTIVE", "TRANSFER_PENDING"], ended_on__isnull=True)
                           | Q(status__in=["TRANSFERRED_OUT", "LEFT"], ended_on__isnull=False)),
                name="ended_on_matches_status",
            ),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("joined_on")),
                                   name="membership_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.person} @ {self.union}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.person_name:
            self.person_name, self.person_initials = self.person.name, self.person.name_initials
        super().save(*args, **kwargs)

    @classmethod
    def default_view_action(cls):
        return "members.view"

    @property
    def is_live(self):
        return self.status in LIVE_STATUSES


class TransferStatus(models.TextChoices):
    PENDING = "PENDING", _("Awaiting the receiving union")
    ACCEPTED = "ACCEPTED", _("Accepted")
    REJECTED = "REJECTED", _("Rejected")
    CANCELLED = "CANCELLED", _("Cancelled")


class Transfer(ScopedModel):
    """A member moving between unions: the releasing union asks, the receiving union accepts."""

    scope_lookups = ("from_union", "to_union")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers",
                               verbose_name=_("person"))
    from_membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers_out",
                                        verbose_name=_("membership"))
    from_union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="transfers_out",
                                   verbose_name=_("from union"))
    to_union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="transfers_in",
                                 verbose_name=_("to union"))
    to_enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("new employer"))
    to_membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="transfers_in", verbose_name=_("new membership"))
    status = models.CharField(_("status"), max_length=12, choices=TransferStatus.choices,
                              default=TransferStatus.PENDING)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    effective_on = models.DateField(_("effective on"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="PENDING"),
                                    name="one_pending_transfer_per_person"),
            models.CheckConstraint(condition=~Q(from_union=models.F("to_union")),
                                   name="transfer_changes_union"),
        ]

    def __str__(self):
        return f"{self.person}: {self.from_union} → {self.to_union}"

    @classmethod
    def default_view_action(cls):
        return "members.view"


class ImportStatus(models.TextChoices):
    UPLOADED = "UPLOADED", _("Being checked")
    VALIDATED = "VALIDATED", _("Checked")
    INVALID = "INVALID", _("Cannot be imported")
    IMPORTING = "IMPORTING", _("Importing")
    IMPORTED = "IMPORTED", _("Imported")
    FAILED = "FAILED", _("Failed")
    CANCELLED = "CANCELLED", _("Cancelled")


def import_file_path(instance, filename):
    """Uploaded member files are stored encrypted under a random name (never the user's)."""
    import uuid

    return f"private/imports/{uuid.uuid4().hex}.xlsx.enc"


class MemberImport(ScopedModel):
    """One uploaded member spreadsheet: checked row by row, then imported all-or-nothing.

    The stored file is Fernet-encrypted (it holds clear ID numbers) and deleted once the import
    is imported or cancelled. `report` holds the per-row problems shown to the user (values
    of ID/phone cells masked) and the row numbers that were invalid when checked."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("import into"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    original_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    invalid_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    imported_rows = models.PositiveIntegerField(_("imported rows"), default=0)
    report = models.JSONField(_("error report"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="member_import_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(valid_rows__lte=models.F("total_rows"))
                                   & Q(invalid_rows__lte=models.F("total_rows")),
                                   name="member_import_counts_consistent"),
        ]

    def __str__(self):
        return self.original_name or f"#{self.pk}"

    @classmethod
    def default_view_action(cls):
        return "members.import"

    @property
    def is_running(self):
        return self.status in (ImportStatus.UPLOADED, ImportStatus.IMPORTING)
