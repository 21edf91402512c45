"""Forms of the theme activity pages. They collect and shape input; the rules live in
services.activities (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.activities import ActivityStatus
from ..policies.activities import VIEW
from ..rules.activities import rules, theme_choices


class ActivityFilterForm(StyledFormMixin, forms.Form):
    """Filters of the list and its export (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Title, place or organiser")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    status = forms.ChoiceField(label=pgettext_lazy("theme activity", "Status"), required=False,
                               choices=[("", _("All statuses"))] + ActivityStatus.choices)
    date_from = forms.DateField(label=_("Held from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Held until"), required=False, widget=DateInput)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)
        self.fields["theme"].choices = [("", _("All themes"))] + theme_choices()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

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
                               theme=self.value("theme", "") or "", status=self.value("status", "") or "",
                               date_from=self.value("date_from"), date_to=self.value("date_to"),
                               year=self.value("year"))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "theme": f.theme, "status": f.status,
                  "date_from": f.date_from.isoformat() if f.date_from else "",
                  "date_to": f.date_to.isoformat() if f.date_to else "", "year": f.year or "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class ActivityForm(StyledFormMixin, forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), error_messages={"required": _("Choose a theme.")})
    title = forms.CharField(label=_("Title"), max_length=120,
                            error_messages={"required": _("Enter the title of the activity.")})
    held_on = forms.DateField(label=pgettext_lazy("theme activity", "Held on"), widget=DateInput,
                              error_messages={"required": _("Enter the date the activity was held."),
                                              "invalid": _("Enter the date as YYYY-MM-DD.")})
    place = forms.CharField(label=_("Place"), max_length=120,
                            error_messages={"required": _("Enter where the activity was held.")})
    participants = forms.IntegerField(label=_("Participants (person-times)"), min_value=1,
                                      error_messages={"required": _("Enter the number of participants."),
                                                      "invalid": _("Enter a whole number."),
                                                      "min_value": _("At least 1 participant.")})
    organisers = forms.CharField(label=_("Organisers and partners"), max_length=200, required=False,
                                 help_text=_("E.g. the town's health centre, the enterprise, volunteers."))
    content = forms.CharField(label=_("Content"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("What was done, for whom, and what came of it."),
                              error_messages={"required": _("Describe the content of the activity.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "—")] + theme_choices()
        self.fields["participants"].max_value = rules().max_participants
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    @classmethod
    def initial_of(cls, a):
        return {k: getattr(a, k) for k in ("theme", "title", "held_on", "place", "participants", "organisers",
                                           "content")}


class CheckRadios(forms.RadioSelect):
    """Radios drawn as Bootstrap checks (StyledFormMixin gave each a text box's class)."""

    template_name = "publicity/activities/_radios.html"


class ReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=pgettext_lazy("theme activity review", "Decision"), widget=CheckRadios,
                                 choices=[
        (ActivityStatus.CONFIRMED, _("Confirm: it counts in the yearly report")),
        (ActivityStatus.RETURNED, _("Return to the organiser for correction"))],
        error_messages={"required": _("Choose the decision.")})
    reason = forms.CharField(label=_("Reason for return"), max_length=400, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when returning: what to correct."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class PhotoForm(StyledFormMixin, forms.Form):
    image = DocumentField(label=_("Photo"), kinds=("jpeg", "png"),
                          error_messages={"required": _("Choose a photo to upload.")})
    caption = forms.CharField(label=_("Caption"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].max_bytes = rules().photo_max_bytes
        self.fields["image"].help_text = _("JPG or PNG, at most %(mb)s MB each.") % {
            "mb": rules().photo_max_bytes // (1024 * 1024)}


class StatsForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def year_value(self):
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year
