"""Forms of the worker-school and teacher pages. They collect and shape input; the rules live in
services.schools (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.schools import DeliveryMode, SchoolStatus, TeacherKind
from ..policies.schools import VIEW


class _FilterMixin:
    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)


class SchoolFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, address or town")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + SchoolStatus.choices)
    mode = forms.ChoiceField(label=_("Delivery mode"), required=False,
                             choices=[("", _("All delivery modes"))] + DeliveryMode.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.schools import SchoolFilters

        return SchoolFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                             status=self.value("status", "") or "", mode=self.value("mode", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "status": f.status, "mode": f.mode, **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class TeacherFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, employer or speciality")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + TeacherKind.choices)
    speciality = forms.CharField(label=_("Speciality"), required=False, max_length=30,
                                 widget=forms.TextInput(attrs={"list": "speciality-options"}))
    active = forms.ChoiceField(label=_("In the pool"), required=False,
                               choices=[("", _("All")), ("1", _("In the pool")), ("0", _("Out of the pool"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.schools import TeacherFilters

        return TeacherFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                              kind=self.value("kind", "") or "",
                              speciality=(self.value("speciality", "") or "").strip(),
                              active=self.value("active", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "kind": f.kind, "speciality": f.speciality,
                  "active": f.active, **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class SchoolForm(StyledFormMixin, forms.Form):
    """Opening (with the running org) and editing a school (without)."""

    org = forms.ModelChoiceField(label=_("Run by"), queryset=Org.objects.none(), widget=FastSelect,
                                 error_messages={"invalid_choice": _("Choose the district or a town of your own.")})
    name = forms.CharField(label=_("School name"), max_length=80)
    address = forms.CharField(label=_("Address"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity (seats)"), min_value=1,
                                  help_text=_("Seats of the largest room."))
    modes = forms.MultipleChoiceField(label=_("Delivery modes"), choices=DeliveryMode.choices,
                                      widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _("Choose at least one delivery mode the school "
                                                                    "offers.")})
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=32)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modes"].widget.attrs["class"] = "form-check-input"
        if orgs is None:
            del self.fields["org"]
        else:
            self.fields["org"].queryset = Org.objects.filter(pk__in=[o.pk for o in orgs])
            set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, 1), empty_label="—")


class CloseSchoolForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=pgettext_lazy("worker school", "Closed on"), required=False, widget=DateInput,
                                help_text=_("Default: today."))
    reason = forms.CharField(label=_("Reason"), max_length=400)


class ReopenSchoolForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=400)


class TeacherForm(StyledFormMixin, forms.Form):
    """Registering (org, kind, person or name) and editing a teacher."""

    org = forms.ModelChoiceField(label=_("Registered by"), queryset=Org.objects.none(), widget=FastSelect,
                                 error_messages={"invalid_choice": _("Choose an organisation of your own.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=TeacherKind.choices)
    person = forms.ModelChoiceField(label=_("Person of the registry"), required=False, queryset=None,
                                    widget=FastSelect,
                                    help_text=_("For an internal master or a model worker: search by name above."),
                                    error_messages={"invalid_choice": _("Choose a person found by the search.")})
    name = forms.CharField(label=_("Name"), required=False, max_length=64,
                           help_text=_("For an external lecturer (a person of the registry keeps their name)."))
    employer = forms.CharField(label=_("Employer"), required=False, max_length=120)
    title = forms.CharField(label=_("Professional title"), required=False, max_length=60)
    specialities = forms.CharField(label=_("Specialities"), max_length=400,
                                   help_text=_("Separated by commas or 、, e.g. 电工、安全生产"))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    note = forms.CharField(label=_("Note"), required=False, max_length=400, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, orgs=None, people=None, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.members.models import Person

        if editing is not None:
            del self.fields["org"], self.fields["person"]
            if editing.kind == TeacherKind.EXTERNAL:
                self.fields["kind"].choices = [(TeacherKind.EXTERNAL, TeacherKind.EXTERNAL.label)]
            else:
                self.fields["kind"].choices = [c for c in TeacherKind.choices if c[0] != TeacherKind.EXTERNAL]
                del self.fields["name"]
            return
        self.fields["org"].queryset = Org.objects.filter(pk__in=[o.pk for o in orgs or []])
        set_model_options(self.fields["org"], orgs or [], label=lambda o: org_label(o, min(
            (x.depth for x in orgs), default=1)), empty_label="—")
        people = list(people or [])
        self.fields["person"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])
        set_model_options(self.fields["person"], people, label=lambda p: f"{p.name}（{p.id_number_masked}）",
                          empty_label="—")


class DeactivateTeacherForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400)


class ReactivateTeacherForm(StyledFormMixin, forms.Form):
    pass
