"""Forms of the congress term, delegate and session pages. They collect and shape input; the
rules live in services/bodies.py and services/sessions.py (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models import AgendaKind, BodyKind, BodyStatus, DelegateCategory, SessionStatus
from ..rules import rules

# --- list filters ---------------------------------------------------------------------------------


class _FilterMixin:
    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)


class BodyFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Enterprise or union")}))
    org = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    kind = forms.ChoiceField(label=pgettext_lazy("congress form", "Form"), required=False,
                             choices=[("", _("All forms"))] + BodyKind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + BodyStatus.choices)
    ending_within = forms.IntegerField(label=_("Term ends within (days)"), required=False, min_value=0,
                                       max_value=3650)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, "congress.view")

    def filters(self):
        from ..selectors.bodies import BodyFilters

        return BodyFilters(q=(self.value("q", "") or "").replace("\x00", "").strip(), org=self.value("org"),
                           kind=self.value("kind", "") or "", status=self.value("status", "") or "",
                           ending_within=self.value("ending_within"))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "kind": f.kind, "status": f.status,
                  "ending_within": "" if f.ending_within is None else f.ending_within}
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


DUE_CHOICES = [("", _("Any")), ("overdue", _("Report overdue")), ("soon", _("Report due soon"))]


class SessionFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Title, enterprise or union")}))
    org = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + SessionStatus.choices)
    due = forms.ChoiceField(label=_("Report to the upper union"), required=False, choices=DUE_CHOICES)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, "congress.view")

    def filters(self):
        from ..selectors.bodies import SessionFilters

        return SessionFilters(q=(self.value("q", "") or "").replace("\x00", "").strip(), org=self.value("org"),
                              status=self.value("status", "") or "", year=self.value("year"),
                              due=self.value("due", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "status": f.status, "year": f.year or "",
                  "due": f.due}
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


# --- terms ----------------------------------------------------------------------------------------

def _term_choices():
    r = rules()
    return [(n, str(n)) for n in range(r.term_years_min, r.term_years_max + 1)]


class BodyForm(StyledFormMixin, forms.Form):
    """Constitute a term. The form (congress or all-staff meeting) and the quota are not asked:
    they follow from the headcount, and the page shows them."""

    headcount = forms.IntegerField(label=_("Staff at constitution"), min_value=1, max_value=10_000_000,
                                   help_text=_("The form and the delegate quota follow from it."))
    term_starts_on = forms.DateField(label=_("Term starts on"), widget=DateInput())
    term_years = forms.TypedChoiceField(label=pgettext_lazy("congress", "Term (years)"), coerce=int,
                                        choices=_term_choices, initial=3)


class EndTermForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200,
                             help_text=_("E.g. term expired, enterprise closed, re-election."))


# --- delegates ------------------------------------------------------------------------------------

class DelegateForm(StyledFormMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Member"), required=False, coerce=int, empty_value=None, choices=(),
                                    help_text=_("Search the union's members by name above, or leave empty and "
                                                "type the name."))
    name = forms.CharField(label=_("Name"), required=False, max_length=64,
                           help_text=_("Taken from the member when one is chosen."))
    category = forms.ChoiceField(label=_("Category"), choices=DelegateCategory.choices)
    group = forms.CharField(label=_("Delegation"), required=False, max_length=60)
    elected_on = forms.DateField(label=_("Elected on"), widget=DateInput())
    is_substitute = forms.BooleanField(label=_("Substitute"), required=False)

    def __init__(self, *args, members=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["person"]
            del self.fields["is_substitute"]
            self.fields["name"].required = True
            self.fields["name"].help_text = ""
        else:
            self.fields["person"].choices = [("", _("— not linked to a member —"))] + [
                (m.person_id, m.person_name) for m in members]


class DelegateEndForm(StyledFormMixin, forms.Form):
    ended_on = forms.DateField(label=pgettext_lazy("congress delegate", "Left on"), widget=DateInput())
    reason = forms.CharField(label=pgettext_lazy("congress delegate", "Reason for leaving"), max_length=200)


class DelegateBulkForm(StyledFormMixin, forms.Form):
    lines = forms.CharField(
        label=_("Delegates, one per line"), max_length=40_000, widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Name, category, delegation, and “候补” for a substitute, separated by commas or tabs "
                    "(paste from Excel). Categories: 一线职工, 技术人员, 管理人员, 其他."))
    elected_on = forms.DateField(label=_("Elected on"), widget=DateInput())


# --- sessions -------------------------------------------------------------------------------------

class SessionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("congress session", "Title"), max_length=120)
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput())
    venue = forms.CharField(label=_("Venue"), required=False, max_length=120)


class AgendaItemForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("agenda item", "Kind"), choices=AgendaKind.choices)
    title = forms.CharField(label=pgettext_lazy("agenda item", "Title"), max_length=200)
    requires_vote = forms.BooleanField(label=_("Put to the vote"), required=False, initial=True)


class PapersForm(StyledFormMixin, forms.Form):
    papers_sent_on = forms.DateField(
        label=_("Papers sent to delegates on"), widget=DateInput(),
        help_text=_("The papers must reach the delegates at least 7 days before the session."))


class HeldForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    entitled = forms.IntegerField(
        label=_("Entitled to attend"), required=False, min_value=1, max_value=10_000_000,
        help_text=_("Leave empty for the delegates on the roll that day (the staff for an all-staff meeting)."))
    present = forms.IntegerField(label=_("Present"), min_value=0, max_value=10_000_000,
                                 help_text=_("At least two thirds must attend."))
    resolutions = forms.CharField(label=_("Resolutions"), required=False, max_length=10_000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    papers_late_reason = forms.CharField(
        label=_("Papers were late: reason"), required=False, max_length=200,
        help_text=_("Needed only when the papers did not reach the delegates 7 days before the session."))


class ReportedForm(StyledFormMixin, forms.Form):
    reported_on = forms.DateField(label=_("Reported to the upper union on"), widget=DateInput())


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class VotesForm(StyledFormMixin, forms.Form):
    """One row of counts per agenda item (fields `for_<id>`, `against_<id>`, `abstain_<id>`,
    `resolution_<id>`), and the session's resolutions."""

    resolutions = forms.CharField(label=_("Resolutions"), required=False, max_length=10_000,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            if item.requires_vote:
                for key, label in (("for", _("For")), ("against", _("Against")), ("abstain", _("Abstaining"))):
                    self.fields[f"{key}_{item.pk}"] = forms.IntegerField(
                        label=label, min_value=0, max_value=10_000_000, required=True,
                        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}))
            self.fields[f"resolution_{item.pk}"] = forms.CharField(
                label=_("Resolution"), required=False, max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def rows(self):
        """(item, for, against, abstain, resolution) bound fields, for the template."""
        for item in self.items:
            if item.requires_vote:
                yield item, self[f"for_{item.pk}"], self[f"against_{item.pk}"], self[f"abstain_{item.pk}"], \
                    self[f"resolution_{item.pk}"]
            else:
                yield item, None, None, None, self[f"resolution_{item.pk}"]

    def votes(self):
        from ..services.sessions import VoteInput

        data = self.cleaned_data
        return [VoteInput(item_id=item.pk, votes_for=data.get(f"for_{item.pk}"),
                          votes_against=data.get(f"against_{item.pk}"), abstentions=data.get(f"abstain_{item.pk}"),
                          resolution=data.get(f"resolution_{item.pk}", ""))
                for item in self.items]

    @staticmethod
    def initial_for(session, items):
        initial = {"resolutions": session.resolutions}
        for item in items:
            initial[f"for_{item.pk}"] = item.votes_for
            initial[f"against_{item.pk}"] = item.votes_against
            initial[f"abstain_{item.pk}"] = item.abstentions
            initial[f"resolution_{item.pk}"] = item.resolution
        return initial
