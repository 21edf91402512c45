"""The organisation tree (materialised path) and the enterprises the unions live in."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from gonghui.core.scoping import ScopedQuerySet, user_scope
from gonghui.core.validators import validate_uscc


class OrgLevel(models.TextChoices):
    DISTRICT = "DISTRICT", _("District federation")
    TOWN = "TOWN", _("Town / sub-district federation")
    PLATFORM = "PLATFORM", _("Platform union")
    INDUSTRY = "INDUSTRY", _("Industry union")
    GRASSROOTS = "GRASSROOTS", _("Grassroots union")
    GROUP = "GROUP", _("Union group")


# Which levels may sit directly under which: the shape of DOMAIN.md §1.
ALLOWED_CHILDREN = {
    OrgLevel.DISTRICT: {OrgLevel.TOWN, OrgLevel.PLATFORM, OrgLevel.INDUSTRY, OrgLevel.GRASSROOTS},
    OrgLevel.TOWN: {OrgLevel.INDUSTRY, OrgLevel.GRASSROOTS},
    OrgLevel.PLATFORM: {OrgLevel.INDUSTRY, OrgLevel.GRASSROOTS},
    OrgLevel.INDUSTRY: {OrgLevel.GRASSROOTS},
    OrgLevel.GRASSROOTS: {OrgLevel.GROUP},
    OrgLevel.GROUP: set(),
}


class UnionKind(models.TextChoices):
    ENTERPRISE = "ENTERPRISE", _("Enterprise union")
    INSTITUTION = "INSTITUTION", _("Institution union")
    JOINT = "JOINT", _("Joint grassroots union")


class Industry(models.TextChoices):
    TEXTILES = "TEXTILES", _("Textiles and chemical fibre")
    AUTO_PARTS = "AUTO_PARTS", _("Auto parts")
    CONSTRUCTION = "CONSTRUCTION", _("Construction")
    LOGISTICS = "LOGISTICS", _("Logistics")
    SERVICES = "SERVICES", _("Services")
    MANUFACTURING = "MANUFACTURING", _("Other manufacturing")
    PUBLIC = "PUBLIC", _("Public institutions")
    OTHER = "OTHER", _("Other")


class OrgQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    def visible_to(self, user, action="orgs.view"):
        # get_visible_or_404 passes action=None for "the model's view action".
        everything, paths = user_scope(user, action or "orgs.view")
        if everything:
            return self
        if not paths:
            return self.none()
        return self.filter(models.Q(*[models.Q(path__startswith=p) for p in paths], _connector=models.Q.OR))


class OrgManager(MP_NodeManager):
    def get_queryset(self):
        return OrgQuerySet(self.model).order_by("path")

    def visible_to(self, user, action="orgs.view"):
        return self.get_queryset().visible_to(user, action)


class Org(MP_Node):
    """A union organisation node. The path prefix is its subtree: scope is one indexed query."""

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    node_order_by = None

    name = models.CharField(pgettext_lazy("org or enterprise", "name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=OrgLevel.choices)
    union_kind = models.CharField(_("union kind"), max_length=12, choices=UnionKind.choices, blank=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    chair_name = models.CharField(_("chair"), max_length=64, blank=True)
    legal_cert_no = models.CharField(_("legal-person certificate no."), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrgManager()

    scope_lookups = ("self",)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["level", "path"], name="org_level_path_idx")]
        permissions = [("move_org", "Can move an organisation in the tree")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(union_kind="") | models.Q(level="GRASSROOTS"),
                name="union_kind_only_for_grassroots",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_union(self):
        return self.level == OrgLevel.GRASSROOTS

    def scope_orgs(self):
        return [self]

    def town(self):
        """The nearest town/platform ancestor (or self) — what the district reports by."""
        if self.level in (OrgLevel.TOWN, OrgLevel.PLATFORM):
            return self
        prefixes = [self.path[:i] for i in range(self.steplen, len(self.path), self.steplen)]
        return (
            Org.objects.filter(path__in=prefixes, level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM))
            .order_by("-depth")
            .first()
        )


class Enterprise(models.Model):
    """An employer. It sits in a town and, once it has one, belongs to a grassroots union."""

    name = models.CharField(pgettext_lazy("org or enterprise", "name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                            validators=[validate_uscc])
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
    headcount = models.PositiveIntegerField(_("headcount"), validators=[MinValueValidator(0)], default=0)
    above_scale = models.BooleanField(_("above designated size"), default=False)
    # The district's list of key enterprises (the seed's "top-100"): cadres' liaison points.
    top100 = models.BooleanField(_("district top-100 enterprise"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    town = models.ForeignKey(Org, verbose_name=_("town"), on_delete=models.PROTECT,
                             related_name="town_enterprises")
    union = models.ForeignKey(Org, verbose_name=_("union"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="enterprises")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_lookups = ("town", "union")

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="enterprise_name_idx")]

    def __str__(self):
        return self.name

    @classmethod
    def default_view_action(cls):
        return "orgs.view"

    def scope_orgs(self):
        return [o for o in (self.town, self.union) if o is not None]
