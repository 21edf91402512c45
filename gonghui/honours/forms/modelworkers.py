"""Forms of the model-worker pages. They collect and shape input; the rules live in
services.modelworkers (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.modelworkers import ModelWorkerCareKind, ModelWorkerLevel
from ..policies.modelworkers import VIEW
from ..selectors.modelworkers import CARE_CHOICES, STORY_CHOICES


class WorkerFilterForm(StyledFormMixin, forms.Form):
    """Filters of the list page and its export (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, pinyin initials or title")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    level = forms.ChoiceField(label=_("Highest level"), required=False,
                              choices=[("", _("All levels"))] + ModelWorkerLevel.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1950, max_value=2100)
    care = forms.ChoiceField(label=_("Yearly care"), required=False,
                             choices=[("", _("Anything"))] + list(CARE_CHOICES))
    story = forms.ChoiceField(label=_("Story"), required=False, choices=[("", _("Anything"))] + list(STORY_CHOICES))

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
        from ..selectors.modelworkers import WorkerFilters

        return WorkerFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                             level=self.value("level", "") or "", year=self.value("year"),
                             care=self.value("care", "") or "", story=self.value("story", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "level": f.level, "year": f.year or "",
                  "care": f.care, "story": f.story, **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class TitleForm(StyledFormMixin, forms.Form):
    """A title entered by hand (the person is chosen on the page before)."""

    level = forms.ChoiceField(label=_("Level"), choices=ModelWorkerLevel.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    title = forms.CharField(label=pgettext_lazy("model worker title", "Title"), max_length=200,
                            help_text=_("As on the certificate, e.g. 2024年度杭州市劳动模范."))
    conferred_on = forms.DateField(label=_("Conferred on"), widget=DateInput)
    conferred_by = forms.CharField(label=_("Conferred by"), max_length=120, required=False,
                                   help_text=_("The conferring body, e.g. 区委、区政府."))


class WorkerForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("Union that looks after the model worker"), queryset=Org.objects.none(),
                                 widget=FastSelect)
    note = forms.CharField(label=_("Note"), max_length=400, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(pk__in=[o.pk for o in orgs])
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, min(x.depth for x in orgs)))


class StoryForm(StyledFormMixin, forms.Form):
    story_title = forms.CharField(label=_("Story title"), max_length=120, required=False)
    story = forms.CharField(label=_("Story"), required=False, max_length=8000,
                            widget=forms.Textarea(attrs={"rows": 12}),
                            help_text=_("The model worker's deeds, told for the members. Published by the "
                                        "district."))


class CareForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("model worker care", "Kind"), choices=ModelWorkerCareKind.choices)
    happened_on = forms.DateField(label=_("Date"), widget=DateInput)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, max_digits=14, decimal_places=2,
                                min_value=0, widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
                                help_text=_("Only for a subsidy."))
    description = forms.CharField(label=_("Description"), max_length=400, required=False,
                                  help_text=_("Required for a visit: who visited and what was done."))
    handled_by = forms.CharField(label=_("Handled by"), max_length=120, required=False)
