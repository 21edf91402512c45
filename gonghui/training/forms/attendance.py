"""Forms of the attendance and certificate pages. They collect and shape input; the rules live in
services.attendance (shared with the API). The list entry and the scores page read one field per
trainee (`status_<enrolment id>`, `score_<enrolment id>`) in the view."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.members.forms import StyledFormMixin

from ..models.attendance import CertificateStatus


class CertificateFilterForm(StyledFormMixin, forms.Form):
    """Filters of the certificates list and its export."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Holder, number or course")}))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + CertificateStatus.choices)
    course = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def filters(self):
        from ..selectors.attendance import CertificateFilters

        return CertificateFilters(q=(self.value("q", "") or "").replace("\x00", "").strip(), year=self.value("year"),
                                  status=self.value("status", "") or "", course=self.value("course"))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "year": f.year or "", "status": f.status, "course": f.course or "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class RevokeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=400,
                             widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "placeholder": "XXXX-XXXX-XXXX-XXXX"}))
