"""Forms of the liaison pages. They collect and shape input; the rules live in
`services/liaison.py` (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.liaison import AssignmentStatus, LiaisonTopic
from ..policies.liaison import VIEW


class _FilterMixin:
    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def query_string(self, **extra):
        params = {}
        for name in self.fields:
            value = self.value(name)
            if value in (None, "", False):
                continue
            if isinstance(value, Org):
                value = value.pk
            elif value is True:
                value = "on"
            params[name] = value
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _org_field():
    return forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                  empty_label=_("All my organisations"), widget=FastSelect)


def _search(placeholder):
    return forms.CharField(label=_("Search"), required=False, max_length=60,
                           widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}))


class VisitFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = _search(_("Enterprise or cadre"))
    org = _org_field()
    topic = forms.ChoiceField(label=pgettext_lazy("liaison visit", "Topic"), required=False,
                              choices=[("", _("All topics"))] + LiaisonTopic.choices)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    top100 = forms.BooleanField(label=_("Top-100 enterprises only"), required=False)
    open_follow_ups = forms.BooleanField(label=_("With open follow-ups"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("“To” must not be before “From”."))
        return data

    def filters(self):
        from ..selectors.liaison import VisitFilters

        return VisitFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                            topic=self.value("topic", "") or "", date_from=self.value("date_from"),
                            date_to=self.value("date_to"), top100=bool(self.value("top100")),
                            open_follow_ups=bool(self.value("open_follow_ups")))


DUE_CHOICES = [("open", pgettext_lazy("follow-up status", "Open")), ("overdue", _("Overdue")),
               ("soon", _("Due soon")), ("closed", pgettext_lazy("follow-up status", "Closed")), ("", _("All"))]


class FollowUpFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = _search(_("Enterprise, owner or action"))
    org = _org_field()
    due = forms.ChoiceField(label=_("Status"), required=False, choices=DUE_CHOICES)
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.liaison import FollowUpFilters

        due = self.value("due", "open") if self.is_bound and "due" in self.data else "open"
        return FollowUpFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"), due=due or "",
                               mine=bool(self.value("mine")))

    def query_string(self, **extra):
        return super().query_string(due=self.filters().due, **extra)


ASSIGNMENT_STATUS_CHOICES = [(AssignmentStatus.ACTIVE, AssignmentStatus.ACTIVE.label),
                             (AssignmentStatus.ENDED, AssignmentStatus.ENDED.label), ("all", _("All"))]


class AssignmentFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = _search(_("Enterprise or cadre"))
    org = _org_field()
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ASSIGNMENT_STATUS_CHOICES)
    top100 = forms.BooleanField(label=_("Top-100 enterprises only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.liaison import AssignmentFilters

        status = self.value("status", "") or AssignmentStatus.ACTIVE
        return AssignmentFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                 status="" if status == "all" else status, top100=bool(self.value("top100")))


class AssignCandidateFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = _search(_("Enterprise name"))
    org = _org_field()
    top100 = forms.BooleanField(label=_("Top-100 enterprises only"), required=False)
    unassigned = forms.BooleanField(label=_("Without a liaison cadre"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.liaison import AssignFilters

        return AssignFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                             top100=bool(self.value("top100")), unassigned=bool(self.value("unassigned")))


class CoverageForm(_FilterMixin, StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), required=False, coerce=int, empty_value=None,
                                     choices=[("", "—"), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    org = _org_field()
    cadre = forms.CharField(label=_("Cadre"), required=False, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def chosen_quarter(self, today):
        from ..selectors.liaison import Quarter

        current = Quarter.of(today)
        year = self.value("year") or current.year
        number = self.value("quarter") or (current.number if year == current.year else 4)
        return Quarter(year, number)


# --- writes ----------------------------------------------------------------------------------------

class AssignForm(StyledFormMixin, forms.Form):
    """Bulk assign: the enterprises ticked in the table, one cadre, the period."""

    cadre = forms.TypedChoiceField(label=_("Liaison cadre"), coerce=int)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput(),
                              help_text=_("Leave empty while the assignment is open-ended."))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    enterprises = forms.TypedMultipleChoiceField(label=_("Enterprises"), coerce=int, required=True,
                                                 error_messages={"required": _("Tick at least one enterprise.")})

    def __init__(self, *args, cadres, enterprise_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [("", _("— choose a cadre —"))] + [
            (user.pk, f"{user} ({org})") for user, org in cadres]
        self.fields["enterprises"].choices = [(pk, pk) for pk in enterprise_ids]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data


class EndAssignmentForm(StyledFormMixin, forms.Form):
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class VisitForm(StyledFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput())
    cadre = forms.TypedChoiceField(label=_("Liaison cadre"), coerce=int, required=False, empty_value=None)
    cadre_name = forms.CharField(label=_("Or the cadre's name"), required=False, max_length=64,
                                 help_text=_("When the cadre has no account here."))
    companions = forms.CharField(label=_("Other cadres on the visit"), required=False, max_length=200,
                                 help_text=_("Names, separated by commas."))
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=LiaisonTopic.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": _("Tick at least one topic of the visit.")})
    topic_other = forms.CharField(label=_("Other topic"), required=False, max_length=100)
    notes = forms.CharField(label=_("What was discussed"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("Problems found"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_action = forms.CharField(label=_("Follow-up action (optional)"), required=False, max_length=300)
    follow_up_owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    follow_up_owner_name = forms.CharField(label=_("Or the owner's name"), required=False, max_length=64)
    follow_up_due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        options = [(user.pk, f"{user} ({org})") for user, org in cadres]
        self.fields["cadre"].choices = [("", _("— me / name below —"))] + options
        self.fields["follow_up_owner"].choices = [("", _("— name below —"))] + options
        self.fields["topics"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if (data.get("follow_up_action") or "").strip():
            if not data.get("follow_up_due_on"):
                self.add_error("follow_up_due_on", _("Give the follow-up action a due date."))
            if not data.get("follow_up_owner") and not (data.get("follow_up_owner_name") or "").strip():
                self.add_error("follow_up_owner_name", _("Pick the owner of the follow-up action or type a name."))
        return data


class FollowUpForm(StyledFormMixin, forms.Form):
    action = forms.CharField(label=_("Follow-up action"), max_length=300)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    owner_name = forms.CharField(label=_("Or the owner's name"), required=False, max_length=64)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("— name below —"))] + [
            (user.pk, f"{user} ({org})") for user, org in cadres]

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("owner_name") or "").strip():
            self.add_error("owner_name", _("Pick the owner of the follow-up action or type a name."))
        return data


class CloseFollowUpForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput())
    note = forms.CharField(label=_("What was done"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
