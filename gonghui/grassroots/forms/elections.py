"""Forms of the election pages. They collect and shape input; the rules live in
services/elections.py (shared with the API), which names the field at fault."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.elections import CandidatePosition, ElectionStatus, Electorate
from ..policies.elections import VIEW
from ..rules.elections import rules

STATUS_CHOICES = [("", _("Any status")), ("open", pgettext_lazy("election filter", "In progress")),
                  ("awaiting", _("Awaiting approval")),
                  ("closed", _("Finished or cancelled")), *ElectionStatus.choices]
DUE_CHOICES = [("", _("Any")), ("overdue", _("Approval overdue"))]


class ElectionFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Union name")}))
    org = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    due = forms.ChoiceField(label=_("Approval"), required=False, choices=DUE_CHOICES)

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
        from ..selectors.elections import ElectionFilters

        return ElectionFilters(q=(self.value("q", "") or "").replace("\x00", "").strip(), org=self.value("org"),
                               status=self.value("status", "") or "", year=self.value("year"),
                               due=self.value("due", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "status": f.status, "year": f.year or "",
                  "due": f.due}
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class PlanForm(StyledFormMixin, forms.Form):
    electorate = forms.ChoiceField(label=_("Electorate"), choices=Electorate.choices, widget=forms.RadioSelect,
                                   initial=Electorate.MEMBERS,
                                   help_text=_("A member assembly: every member votes. A delegates' assembly: "
                                               "the elected delegates vote."))
    entitled_voters = forms.IntegerField(
        label=_("Delegates entitled to vote"), required=False, min_value=1, max_value=10_000_000,
        help_text=_("Only for a delegates' assembly; for a member assembly every live member is entitled."))
    seats = forms.IntegerField(label=_("Committee seats"), min_value=1, max_value=100)
    term_years = forms.TypedChoiceField(label=_("Term (years)"), coerce=int, choices=())
    planned_meeting_on = forms.DateField(label=_("Planned meeting date"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_years"].choices = [(y, _("%(n)s years") % {"n": y}) for y in rules().term_years]
        self.fields["electorate"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("electorate") == Electorate.DELEGATES and not data.get("entitled_voters"):
            self.add_error("entitled_voters", _("Enter the number of delegates entitled to vote."))
        return data


class CandidateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64,
                           help_text=_("A current member of the union with this exact name is linked to the "
                                       "member record."))
    gender = forms.ChoiceField(label=_("Gender"), required=False,
                               choices=[("", _("Not given")), ("M", _("Male")), ("F", _("Female"))])
    proposed_position = forms.ChoiceField(label=_("Stands for"), choices=CandidatePosition.choices,
                                          initial=CandidatePosition.MEMBER)
    relative_of_manager = forms.BooleanField(
        label=_("Declared close relative of a senior manager of the enterprise"), required=False,
        help_text=_("Spouse, parent, child or sibling of the enterprise's senior managers: may be a committee "
                    "member but not chair or vice-chair."))


class DayForm(StyledFormMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput)


class ApproveForm(DayForm):
    approval_no = forms.CharField(label=_("Approval number (批复文号)"), required=False, max_length=64)


class ReturnForm(DayForm):
    reason = forms.CharField(label=_("Reason"), max_length=400, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Say what the union must change; it is shown on the election."))


class CancelForm(ReturnForm):
    pass


class CloseVotingForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("E.g. no candidate reached more than half of those entitled in the "
                                         "further round."))


class MeetingForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Meeting date"), widget=DateInput)
    present = forms.IntegerField(label=_("Present"), min_value=0, max_value=10_000_000,
                                 help_text=_("Members (or delegates) who signed in at the meeting."))
    note = forms.CharField(label=_("Note"), required=False, max_length=400)


class BallotsForm(StyledFormMixin, forms.Form):
    ballots_issued = forms.IntegerField(label=_("Ballots issued"), min_value=1, max_value=10_000_000)
    ballots_returned = forms.IntegerField(label=_("Ballots returned"), min_value=0, max_value=10_000_000)
    ballots_valid = forms.IntegerField(label=_("Valid ballots"), min_value=0, max_value=10_000_000)
    counted_on = forms.DateField(label=_("Counted on"), widget=DateInput)
    # The round the page showed: a second submission after it was counted is refused, not
    # recorded as the further round (the refusal names no field of the form: shown at the top).
    ballot_round = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self.fields[f"votes_{row.candidate_id}"] = forms.IntegerField(
                label=_("Votes for %(name)s") % {"name": row.candidate.name}, min_value=0, max_value=10_000_000,
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}))

    def vote_fields(self):
        return [self[f"votes_{row.candidate_id}"] for row in self.rows]

    def votes(self):
        return {row.candidate_id: self.cleaned_data.get(f"votes_{row.candidate_id}") for row in self.rows}


class OfficersForm(StyledFormMixin, forms.Form):
    first_meeting_on = forms.DateField(label=_("Date of the committee's first meeting"), widget=DateInput)
    chair = forms.TypedChoiceField(label=pgettext_lazy("committee position", "Chair"), coerce=int, choices=())
    vice_chairs = forms.TypedMultipleChoiceField(label=_("Vice-chairs"), coerce=int, required=False, choices=(),
                                                 widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, elected=(), **kwargs):
        super().__init__(*args, **kwargs)
        eligible = [(c.pk, c.name) for c in elected if not c.relative_of_manager]
        self.fields["chair"].choices = [("", _("Choose…"))] + eligible
        self.fields["vice_chairs"].choices = eligible
        self.fields["vice_chairs"].widget.attrs["class"] = "form-check-input"
