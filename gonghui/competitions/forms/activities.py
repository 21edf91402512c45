"""Forms of the on-the-job activity pages; the rules live in services.activities."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.members.models import Person
from gonghui.orgs.models import Org

from ..models.activities import ActivityKind
from ..policies.activities import VIEW


class ActivityFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, organiser or place")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + ActivityKind.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def filters(self):
        from ..selectors.activities import ActivityFilters

        return ActivityFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                               kind=self.value("kind", "") or "", year=self.value("year"))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "kind": f.kind, "year": f.year or "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class ActivityForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput)
    place = forms.CharField(label=_("Place"), required=False, max_length=120)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class CreateActivityForm(ActivityForm):
    org = forms.ModelChoiceField(label=_("Organiser"), queryset=Org.objects.none(), widget=FastSelect)
    field_order = ["org"]

    def __init__(self, *args, orgs, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = queryset
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base))


class ParticipantForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Member"), queryset=Person.objects.none(), widget=FastSelect)
    result = forms.CharField(label=_("Result"), required=False, max_length=120,
                             help_text=_("e.g. 优秀, 合格, 技术能手"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, people, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = queryset
        set_model_options(self.fields["person"], people, label=lambda p: p.name, empty_label="—")
