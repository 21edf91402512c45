"""Forms of the centres pages: list filters (GET) and the forms of each write. They shape input;
the rules live in services.centres (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Enterprise, Org

from ..models.centres import (
    DeliveredBy,
    Delivery,
    OrderStatus,
    ProjectStatus,
    ServiceCategory,
    ServiceCentre,
    ServiceItem,
)
from ..policies.centres import VIEW

ACTIVE_CHOICES = [("", _("Active and inactive")), ("yes", pgettext_lazy("service centres", "Active")),
                  ("no", _("Inactive"))]
RATING_CHOICES = [(str(n), str(n)) for n in (5, 4, 3, 2, 1)]


class FilterForm(StyledFormMixin, forms.Form):
    """Base of the list filters: `filters()` builds the selectors' dataclass from the valid
    values, `query_string()` keeps them across pages and the export."""

    filters_class = None
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search"}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def values(self):
        out = {}
        for name in self.fields:
            v = self.value(name)
            if isinstance(v, str):
                v = v.strip()
            out[name] = v
        return out

    def filters(self):
        v = self.values()
        kwargs = {}
        for name in self.filters_class.__dataclass_fields__:
            value = v.get(name)
            if name in ("centre",):
                value = value.pk if value else None
            elif name == "overdue":
                value = bool(value)
            elif value is None and name not in ("org", "year"):
                value = ""
            kwargs[name] = value
        return self.filters_class(**kwargs)

    def query_string(self, **extra):
        params = {}
        for name, value in self.filters().as_dict().items():
            if value not in ("", None, False):
                params[name] = 1 if value is True else value
        params.update(extra)
        return urlencode(params)


class CentreFilterForm(FilterForm):
    active = forms.ChoiceField(label=pgettext_lazy("service centres", "Active"), required=False, choices=ACTIVE_CHOICES)

    @property
    def filters_class(self):
        from ..selectors.centres import CentreFilters

        return CentreFilters


class ItemFilterForm(FilterForm):
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + ServiceCategory.choices)
    delivery = forms.ChoiceField(label=_("Delivery"), required=False,
                                 choices=[("", _("Any delivery"))] + Delivery.choices)
    active = forms.ChoiceField(label=pgettext_lazy("service centres", "Active"), required=False, choices=ACTIVE_CHOICES)

    @property
    def filters_class(self):
        from ..selectors.centres import ItemFilters

        return ItemFilters


class OrderFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + OrderStatus.choices)
    centre = forms.ModelChoiceField(label=_("Service centre"), required=False, queryset=ServiceCentre.objects.all(),
                                    empty_label=_("All centres"), widget=FastSelect)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + ServiceCategory.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=_("Acceptance overdue"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["centre"].queryset = ServiceCentre.objects.visible_to(user, VIEW)
        set_model_options(self.fields["centre"], ServiceCentre.objects.order_by("name")[:200],
                          empty_label=self.fields["centre"].empty_label)

    @property
    def filters_class(self):
        from ..selectors.centres import OrderFilters

        return OrderFilters


class ProjectFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + ProjectStatus.choices)
    centre = forms.ModelChoiceField(label=_("Service centre"), required=False, queryset=ServiceCentre.objects.all(),
                                    empty_label=_("All centres"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["centre"].queryset = ServiceCentre.objects.visible_to(user, VIEW)
        set_model_options(self.fields["centre"], ServiceCentre.objects.order_by("name")[:200],
                          empty_label=self.fields["centre"].empty_label)

    @property
    def filters_class(self):
        from ..selectors.centres import ProjectFilters

        return ProjectFilters


# --- writes ------------------------------------------------------------------------------------

class CentreForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("service centres", "Name"), max_length=120,
                           help_text=_("e.g. 城厢街道职工服务中心."))
    address = forms.CharField(label=_("Address"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    hours = forms.CharField(label=_("Opening hours"), max_length=120, required=False,
                            help_text=_("e.g. 工作日 8:30–17:00."))
    manager = forms.CharField(label=_("Manager"), max_length=60, required=False)
    description = forms.CharField(label=_("Services offered"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What the centre offers, in a few words; the catalogue lists the "
                                              "services one by one."))
    is_active = forms.BooleanField(label=pgettext_lazy("service centres", "Active"), required=False, initial=True)


class ItemForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("service centres", "Name"), max_length=120,
                           help_text=_("e.g. 劳动法律咨询进企业."))
    category = forms.ChoiceField(label=_("Category"), choices=ServiceCategory.choices)
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices,
                                 help_text=_("By order: unions order it from the centre. As a project: the centre "
                                             "runs it for a period."))
    centre = forms.ModelChoiceField(label=_("Service centre"), required=False, queryset=ServiceCentre.objects.none(),
                                    empty_label=_("Every centre of the owner"), widget=FastSelect,
                                    error_messages={"invalid_choice": _("Choose a centre of this area.")})
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=pgettext_lazy("service centres", "Active"), required=False, initial=True)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        qs = ServiceCentre.objects.filter(org__path__startswith=org.path).order_by("name")
        self.fields["centre"].queryset = qs
        set_model_options(self.fields["centre"], qs[:200], empty_label=self.fields["centre"].empty_label)


class OrderForm(StyledFormMixin, forms.Form):
    centre = forms.ModelChoiceField(label=_("Service centre"), queryset=ServiceCentre.objects.none(),
                                    widget=FastSelect, error_messages={
                                        "invalid_choice": _("Choose a centre of your town or the district.")})
    item = forms.ModelChoiceField(label=_("Service"), queryset=ServiceItem.objects.none(), widget=FastSelect,
                                  error_messages={"invalid_choice": _("Choose a service the centre offers.")})
    wanted_on = forms.DateField(label=_("Wanted on"), widget=DateInput)
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1, help_text=_("People expected to take part."))
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), required=False, queryset=Enterprise.objects.none(),
                                        widget=FastSelect, empty_label="—",
                                        error_messages={"invalid_choice": _("Choose an enterprise of your union.")})
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("Where the service takes place; empty: the enterprise."))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, org, **kwargs):
        from ..services.centres import centres_for_union, items_of_centre

        super().__init__(*args, **kwargs)
        centres = centres_for_union(org).select_related("org").order_by("org__depth", "name")
        self.fields["centre"].queryset = centres
        set_model_options(self.fields["centre"], centres, label=lambda c: f"{c.name}（{c.org.name}）", empty_label="—")
        ids = set()
        for c in centres:
            ids.update(items_of_centre(c, delivery=Delivery.ORDER).values_list("pk", flat=True))
        items = ServiceItem.objects.filter(pk__in=ids).order_by("category", "name")
        self.fields["item"].queryset = items
        set_model_options(self.fields["item"], items, label=lambda i: f"{i.get_category_display()} · {i.name}",
                          empty_label="—")
        enterprises = Enterprise.objects.filter(union__path__startswith=org.path).order_by("name")
        self.fields["enterprise"].queryset = enterprises
        set_model_options(self.fields["enterprise"], enterprises[:100], empty_label="—")


class AcceptForm(StyledFormMixin, forms.Form):
    scheduled_on = forms.DateField(label=_("Scheduled on"), widget=DateInput)
    delivered_by = forms.ChoiceField(label=_("Delivered by"), choices=DeliveredBy.choices)
    partner = forms.CharField(label=_("Partner"), max_length=120, required=False,
                              help_text=_("Required when a partner delivers: e.g. a law firm, a hospital."))


class DeliverForm(StyledFormMixin, forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput)
    people_served = forms.IntegerField(label=_("People served"), min_value=1)
    summary = forms.CharField(label=pgettext_lazy("service centres", "Summary"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class RateForm(StyledFormMixin, forms.Form):
    rating = forms.TypedChoiceField(label=pgettext_lazy("service centres", "Satisfaction"), choices=RATING_CHOICES,
                                    coerce=int,
                                    help_text=_("5 very satisfied … 1 very dissatisfied."))
    comment = forms.CharField(label=_("Comment"), max_length=400, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The other side sees this reason."))


class ProjectForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Project name"), max_length=120)
    item = forms.ModelChoiceField(label=_("Service"), queryset=ServiceItem.objects.none(), widget=FastSelect,
                                  error_messages={"invalid_choice": _("Choose a service the centre offers.")})
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=pgettext_lazy("service centres", "Ends on"), widget=DateInput)
    targets = forms.CharField(label=_("Target enterprises and unions"), max_length=400, required=False)
    planned_beneficiaries = forms.IntegerField(label=_("Planned beneficiaries"), min_value=1)
    budget = forms.DecimalField(label=_("Budget (yuan)"), min_value=0, max_digits=14, decimal_places=2, initial=0)

    def __init__(self, *args, centre, **kwargs):
        from ..services.centres import items_of_centre

        super().__init__(*args, **kwargs)
        items = items_of_centre(centre, delivery=Delivery.PROJECT).order_by("category", "name")
        current = self.initial.get("item")
        if current is not None:
            items = ServiceItem.objects.filter(pk__in=[*items.values_list("pk", flat=True), current.pk])
        self.fields["item"].queryset = items
        set_model_options(self.fields["item"], items, label=lambda i: f"{i.get_category_display()} · {i.name}",
                          empty_label="—")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A project cannot end before it starts."))
        return data


UNION_OPTIONS = 300


class DeliveryForm(StyledFormMixin, forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput)
    union = forms.ModelChoiceField(label=_("Union served"), required=False, queryset=Org.objects.none(),
                                   widget=FastSelect, empty_label="—",
                                   error_messages={"invalid_choice": _("Choose a union of the centre's area.")})
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    people_served = forms.IntegerField(label=_("People served"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=400, required=False)

    def __init__(self, *args, org, **kwargs):
        from ..services.centres import UNION_LEVELS

        super().__init__(*args, **kwargs)
        unions = Org.objects.filter(path__startswith=org.path, level__in=UNION_LEVELS, is_active=True).order_by("name")
        self.unions = unions
        if unions[:UNION_OPTIONS + 1].count() > UNION_OPTIONS:
            # A district centre's area holds thousands of unions: a menu of the first few hundred
            # would hide the rest, so the union is typed (its full name or code) instead.
            self.fields["union"] = forms.CharField(
                label=_("Union served"), required=False, max_length=120,
                help_text=_("The union's full name or its code."))
        else:
            self.fields["union"].queryset = unions
            set_model_options(self.fields["union"], unions, empty_label="—")

    def clean_union(self):
        value = self.cleaned_data.get("union")
        if not isinstance(value, str):
            return value
        value = value.strip()
        if not value:
            return None
        found = list(self.unions.filter(Q(name=value) | Q(code=value))[:2])
        if len(found) != 1:
            raise forms.ValidationError(
                _("No single union named “%(name)s” in the centre's area: type its full name or its code.")
                % {"name": value}, code="unknown_union")
        return found[0]


class FinishForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(label=pgettext_lazy("service centres", "Summary"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ProjectRateForm(RateForm):
    union = forms.ModelChoiceField(label=_("Union"), queryset=Org.objects.none(), widget=FastSelect,
                                   error_messages={"invalid_choice": _("Choose a union the project served.")})

    field_order = ["union", "rating", "comment"]

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = Org.objects.filter(pk__in=[u.pk for u in unions])
        set_model_options(self.fields["union"], unions)


class EmptyForm(forms.Form):
    pass
