"""Forms of the committee pages. They collect and shape input; the rules live in
services/committees.py (shared with the API)."""

import re
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.committees import CommitteePosition, CommitteeSource
from ..rules.committees import rules

EXPIRY_CHOICES = [("", _("Any term state")), ("EXPIRED", _("Term expired")),
                  ("EXPIRING", _("Term expires soon")), ("LATER", _("Term runs longer")),
                  ("NONE", _("No committee on record"))]


class CommitteeFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Union name")}))
    org = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    expiry = forms.ChoiceField(label=_("Term"), required=False, choices=EXPIRY_CHOICES)
    source = forms.ChoiceField(label=_("Source"), required=False,
                               choices=[("", _("Any source"))] + CommitteeSource.choices)
    year = forms.IntegerField(label=_("Elected in (year)"), required=False, min_value=1950, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, "grassroots.view")

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def filters(self):
        from ..selectors.committees import CommitteeFilters

        return CommitteeFilters(q=(self.value("q", "") or "").replace("\x00", "").strip(), org=self.value("org"),
                                expiry=self.value("expiry", "") or "", source=self.value("source", "") or "",
                                year=self.value("year"))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "expiry": f.expiry, "source": f.source,
                  "year": f.year or ""}
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


# Names are separated by new lines, or by the separators people type in Chinese lists.
SEPARATORS = re.compile(r"[\n\r,，、;；]+")
NAME_MAX = 64


def _term_choices():
    return [(n, _("%(n)s years") % {"n": n}) for n in rules().term_years]


class RecordCommitteeForm(StyledFormMixin, forms.Form):
    """A committee entered from paper records: the election date and term, then the chair,
    the vice-chairs and the members by name, as they appear on the election report."""

    elected_on = forms.DateField(label=_("Elected on"), widget=DateInput(),
                                 help_text=_("The date of the members' (or delegates') assembly that elected it."))
    term_years = forms.TypedChoiceField(label=_("Term (years)"), coerce=int, choices=_term_choices, initial=5)
    members_at_election = forms.IntegerField(label=_("Members at election"), required=False, min_value=0,
                                             max_value=10_000_000,
                                             help_text=_("Leave empty to use the union's current member count."))
    chair = forms.CharField(label=_("Chair"), max_length=NAME_MAX)
    vice_chairs = forms.CharField(label=_("Vice-chairs"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("One name per line (or separated by 、)."))
    members = forms.CharField(label=_("Other committee members"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("One name per line (or separated by 、). Leave empty for a union with a "
                                          "chair only."))
    note = forms.CharField(label=_("Note"), required=False, max_length=400,
                           help_text=_("E.g. where the paper record is kept."))

    def _names(self, field):
        names = [" ".join(n.split()) for n in SEPARATORS.split(self.cleaned_data.get(field) or "")]
        names = [n for n in names if n]
        for n in names:
            if len(n) > NAME_MAX:
                self.add_error(field, _("“%(name)s…” is longer than %(max)s characters; is a separator missing?")
                               % {"name": n[:10], "max": NAME_MAX})
        return names

    def clean(self):
        data = super().clean()
        chair = " ".join((data.get("chair") or "").split())
        vices, others = self._names("vice_chairs"), self._names("members")
        if self.errors:
            return data
        seen = {}
        labels = {"chair": self.fields["chair"].label, "vice_chairs": self.fields["vice_chairs"].label,
                  "members": self.fields["members"].label}
        for field, names in (("chair", [chair] if chair else []), ("vice_chairs", vices), ("members", others)):
            for n in names:
                if n in seen:
                    self.add_error(field, _("%(name)s is already listed under “%(where)s”.")
                                   % {"name": n, "where": labels[seen[n]]})
                else:
                    seen[n] = field
        limit = rules().max_members
        if len(seen) > limit:
            self.add_error("members", _("A committee has at most %(limit)s members; %(count)s were listed.")
                           % {"limit": limit, "count": len(seen)})
        data["member_rows"] = (
            [{"name": chair, "position": CommitteePosition.CHAIR, "person": None}]
            + [{"name": n, "position": CommitteePosition.VICE_CHAIR, "person": None} for n in vices]
            + [{"name": n, "position": CommitteePosition.MEMBER, "person": None} for n in others])
        return data

    def service_kwargs(self):
        d = self.cleaned_data
        return {"elected_on": d["elected_on"], "term_years": d["term_years"], "members": d["member_rows"],
                "members_at_election": d.get("members_at_election"), "note": d.get("note") or ""}
