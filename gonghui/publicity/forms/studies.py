"""Forms of the study session pages. They collect and shape input; the rules live in
services.studies (shared with the API). The attendance sheet reads one status and one reason per
invitee (`status_<id>`, `reason_<id>`) in the view."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import StyledFormMixin
from gonghui.orgs.models import Org

from ..models.studies import StudyStatus
from ..rules.studies import kind_choices

DT = {"type": "datetime-local"}
DT_FORMAT = "%Y-%m-%dT%H:%M"


class StudyFilterForm(StyledFormMixin, forms.Form):
    """Filters of the list and its export."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Title, speaker or organiser")}))
    org = forms.ChoiceField(label=_("Organiser"), required=False, widget=FastSelect)
    kind = forms.ChoiceField(label=_("Kind of study"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + StudyStatus.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    upcoming = forms.BooleanField(label=_("Coming up only"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [("", _("All kinds"))] + kind_choices()
        self.fields["org"].choices = [("", _("All organisers in my reach"))]

    def set_org_options(self, orgs):
        self.fields["org"].choices = [("", _("All organisers in my reach"))] + [(str(o.pk), o.name) for o in orgs]

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def clean_org(self):
        value = self.cleaned_data.get("org")
        if not value:
            return None
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose an organiser from the list.")) from None
        org = Org.objects.visible_to(self.user, "publicity.view").filter(pk=pk).first() if self.user else None
        if org is None:
            raise forms.ValidationError(_("Choose an organiser from the list."))
        return org

    def filters(self):
        from ..selectors.studies import StudyFilters

        return StudyFilters(q=(self.value("q", "") or "").replace("\x00", "").strip(), org=self.value("org"),
                            kind=self.value("kind", "") or "", status=self.value("status", "") or "",
                            year=self.value("year"), date_from=self.value("date_from"),
                            date_to=self.value("date_to"), upcoming=bool(self.value("upcoming", False)))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "kind": f.kind, "status": f.status,
                  "year": f.year or "", "date_from": f.date_from or "", "date_to": f.date_to or "",
                  "upcoming": "1" if f.upcoming else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class SessionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of study"))
    title = forms.CharField(label=_("Title"), max_length=120)
    topic = forms.CharField(label=_("Topic"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs=DT, format=DT_FORMAT),
                                    input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(attrs=DT, format=DT_FORMAT),
                                  input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=120, required=False,
                            help_text=_("Leave empty for an online session and give its link."))
    online_url = forms.URLField(label=_("Online meeting link"), max_length=300, required=False,
                                assume_scheme="https")
    speaker = forms.CharField(label=_("Speaker"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()


class InviteForm(StyledFormMixin, forms.Form):
    whole_subtree = forms.BooleanField(label=_("All cadres under the organiser"), required=False)
    orgs = forms.MultipleChoiceField(label=_("Cadres of these organisations (and those under them)"),
                                     required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    users = forms.MultipleChoiceField(label=_("These cadres"), required=False,
                                      widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, orgs=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orgs"].choices = [(str(o.pk), o.name) for o in orgs]
        self.fields["users"].choices = [(str(u.pk), f"{u} ({u.username})") for u in users]


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=400,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MaterialForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Material (PDF, Word, PowerPoint, JPG or PNG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.pptx,.jpg,.jpeg,.png"}))


class StatsForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


