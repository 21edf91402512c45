"""Forms of the appeal pages. They collect and shape input; the rules live in services.appeals
(shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org, OrgLevel

from ..models.appeals import AppealCategory, AppealChannel, AppealResult, AppealStatus
from ..policies.appeals import VIEW

YES = [("", _("Any")), ("1", _("Yes"))]
ESCALATED = [("", _("Any")), ("any", _("Escalated")), ("me", _("Escalated to me"))]
ON_TIME = [("", _("Any")), ("yes", _("Closed on time")), ("no", _("Closed late"))]


class AppealFilterForm(StyledFormMixin, forms.Form):
    """Filters of the appeal list, its export and the statistics' links (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Number, title or the worker's name")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    # Exact holding org (the statistics' "by handling organisation" links); a hidden field: the
    # menu above covers the subtree, this one only arrives by link and shows as a removable chip.
    holder = forms.ModelChoiceField(label=_("Held by exactly"), required=False, queryset=Org.objects.none(),
                                    widget=forms.HiddenInput)
    town = forms.ModelChoiceField(label=pgettext_lazy("appeal filter", "Town"), required=False,
                                  queryset=Org.objects.none(), empty_label=_("All towns"), widget=FastSelect)
    status = forms.ChoiceField(label=pgettext_lazy("appeal filter", "Status"), required=False,
                               choices=[("", _("All statuses"))] + AppealStatus.choices)
    category = forms.ChoiceField(label=pgettext_lazy("appeal filter", "Category"), required=False,
                                 choices=[("", _("All categories"))] + AppealCategory.choices)
    channel = forms.ChoiceField(label=pgettext_lazy("appeal", "Channel"), required=False,
                                choices=[("", pgettext_lazy("appeal filter", "All channels"))] + AppealChannel.choices)
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES)
    due_soon = forms.ChoiceField(label=_("Due soon"), required=False, choices=YES)
    escalated = forms.ChoiceField(label=_("Escalation"), required=False, choices=ESCALATED)
    mine = forms.ChoiceField(label=_("Held by"), required=False,
                             choices=[("", _("My organisations and below")), ("1", _("My own organisation only"))])
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput)
    received_to = forms.DateField(label=_("Received until"), required=False, widget=DateInput)
    year = forms.IntegerField(label=_("Year received"), required=False, min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), required=False, min_value=1, max_value=12)
    closed_on_time = forms.ChoiceField(label=_("On time"), required=False, choices=ON_TIME)

    def __init__(self, data=None, *args, user, **kwargs):
        # The statistics' links say closed_on_time=1/0: read as yes/no.
        if data is not None and data.get("closed_on_time") in ("1", "0"):
            data = data.copy()
            data["closed_on_time"] = "yes" if data["closed_on_time"] == "1" else "no"
        super().__init__(data, *args, **kwargs)
        visible = Org.objects.visible_to(user, VIEW)
        self.fields["org"].queryset = visible
        self.fields["holder"].queryset = visible
        self.fields["town"].queryset = visible.filter(level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM))

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end of the period is before its start."))
        if data.get("month") and not data.get("year"):
            self.add_error("month", _("Choose the year too."))
        return data

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs, towns):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)
        set_model_options(self.fields["town"], towns, label=lambda o: o.name,
                          empty_label=self.fields["town"].empty_label)

    def filters(self):
        from ..selectors.appeals import AppealFilters

        v = self.value
        return AppealFilters(
            q=(v("q", "") or "").strip(), org=v("org"), holder=v("holder"), town=v("town"),
            status=v("status", "") or "",
            category=v("category", "") or "", channel=v("channel", "") or "", overdue=v("overdue") == "1",
            due_soon=v("due_soon") == "1", escalated=v("escalated", "") or "", mine=v("mine") == "1",
            received_from=v("received_from"), received_to=v("received_to"), year=v("year"),
            month=v("month") if v("year") else None, closed_on_time=v("closed_on_time", "") or "")

    def query_string(self, **extra):
        params = {**self.filters().as_params(), **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _attachment():
    return DocumentField(label=_("Attachment (PDF, JPG or PNG)"), required=False)


class NoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Internal note (the worker never sees it)"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Write the note.")})
    attachment = _attachment()


class ReplyForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Reply to the worker (the worker sees it)"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Write the reply.")})
    attachment = _attachment()


class CloseForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=[("", "—")] + AppealResult.choices,
                               error_messages={"required": _("Choose the result.")})
    result_text = forms.CharField(label=_("The result told to the worker"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": _("Write what the worker is told.")})
    attachment = _attachment()


class TransferUpForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the transfer (internal)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Give the reason for the transfer.")})
    attachment = _attachment()


class DispatchForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Instructions (internal)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    attachment = _attachment()


class TransferDownForm(TransferUpForm):
    pass


class EmptyForm(forms.Form):
    pass
