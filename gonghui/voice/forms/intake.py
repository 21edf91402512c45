"""Forms of the `intake` area: the member's appeal, the public form (honeypot + signed fill
time), the tracking look-up, the worker's steps (rate, re-open, withdraw) and staff entry."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.uploads import validate_document
from gonghui.core.validators import validate_mobile
from gonghui.members.forms import StyledFormMixin

from ..models.appeals import AppealCategory, AppealChannel
from ..rules.appeals import rules as appeal_rules
from ..rules.intake import rules

FILL_SALT = "voice.intake.public-form"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several JPG, PNG or PDF files, each checked by its content and size (the service checks
    again: the API and every form share one rule)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ".jpg,.jpeg,image/jpeg,.png,image/png,.pdf,application/pdf", "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        r = rules()
        if len(files) > r.max_attachments:
            raise forms.ValidationError(_("Attach at most %(n)s files.") % {"n": r.max_attachments})
        for upload in files:
            validate_document(upload, max_bytes=r.attachment_max_bytes, kinds=("jpeg", "png", "pdf"))
        return list(files)


def anonymous_categories() -> list[str]:
    return [code for code, rule in appeal_rules().categories.items() if rule.anonymous_allowed]


def _anonymous_help():
    labels = [str(AppealCategory(c).label) for c in anonymous_categories() if c in AppealCategory.values]
    return _("Only for: %(categories)s. The union cannot call you back.") % {"categories": "、".join(labels) or "—"}


class AppealContentForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + AppealCategory.choices)
    title = forms.CharField(label=pgettext_lazy("appeal", "Subject"), max_length=120)
    content = forms.CharField(label=_("What happened and what you ask for"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    enterprise_name = forms.CharField(label=_("Enterprise (name or unified social credit code)"), max_length=200,
                                      required=False)
    anonymous = forms.BooleanField(label=_("Submit anonymously"), required=False)
    attachments = AttachmentsField(label=_("Attachments (JPG, PNG or PDF)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anonymous"].help_text = _anonymous_help()
        r = rules()
        self.fields["attachments"].help_text = _("Up to %(n)s files, %(mb)s MB each.") % {
            "n": r.max_attachments, "mb": r.attachment_max_bytes // (1024 * 1024)}

    def clean(self):
        data = super().clean()
        if data.get("anonymous") and data.get("category") and data["category"] not in anonymous_categories():
            self.add_error("anonymous", _("This category cannot be submitted anonymously."))
        return data


class MemberAppealForm(AppealContentForm):
    """The member's form: the enterprise defaults to the member's own."""


class PublicAppealForm(AppealContentForm):
    """The public form. Spam protection: `website` is a honeypot (hidden; people leave it empty),
    `started` a signed time the page was drawn (too fast or too old → refused)."""

    contact_name = forms.CharField(label=_("Your name"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("Your mobile"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    website = forms.CharField(label=_("Leave this empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = ["category", "title", "content", "enterprise_name", "anonymous", "contact_name", "contact_phone",
                   "attachments", "website", "started"]

    @staticmethod
    def stamp() -> str:
        return signing.dumps({"t": time.time()}, salt=FILL_SALT)

    def clean_started(self):
        r = rules()
        try:
            value = signing.loads(self.cleaned_data.get("started") or "", salt=FILL_SALT,
                                  max_age=r.max_fill_hours * 3600)
            age = time.time() - float(value["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(_("This form has expired. Please fill it in again.")) from None
        if age > r.max_fill_hours * 3600:
            raise forms.ValidationError(_("This form has expired. Please fill it in again."))
        if age < r.min_fill_seconds:
            raise forms.ValidationError(_("The form was sent too quickly. Please check it and send it again."))
        return self.cleaned_data["started"]

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone") or ""
        return validate_mobile(value) if value.strip() else ""

    def clean(self):
        data = super().clean()
        if data.get("website"):
            # A bot filled the hidden field: refuse without saying which field gave it away.
            raise forms.ValidationError(_("The form could not be accepted. Please try again."), code="spam")
        if not data.get("anonymous"):
            if not (data.get("contact_name") or "").strip():
                self.add_error("contact_name", _("Give your name, or choose to submit anonymously."))
            if not data.get("contact_phone") and "contact_phone" not in self.errors:
                self.add_error("contact_phone", _("Give your mobile number so the union can reach you."))
        return data


class TrackForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Tracking code or appeal number"), max_length=20)
    phone4 = forms.CharField(label=_("Last 4 digits of your mobile"), max_length=4, required=False,
                             help_text=_("Not needed for an anonymous appeal."),
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class RateForm(forms.Form):
    score = forms.TypedChoiceField(label=_("How satisfied are you?"), coerce=int,
                                   choices=[(5, _("5 — very satisfied")), (4, _("4 — satisfied")),
                                            (3, _("3 — so-so")), (2, _("2 — dissatisfied")),
                                            (1, _("1 — very dissatisfied"))],
                                   widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    comment = forms.CharField(label=pgettext_lazy("appeal rating", "Comment"), max_length=400, required=False,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why the problem is not solved"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=400, required=False)


class StaffAppealForm(AppealContentForm):
    """A call or a visit typed in by staff. The worker: an ID number found in the registry, or a
    name and mobile typed in."""

    channel = forms.ChoiceField(label=_("Came in by"), choices=[(AppealChannel.PHONE, AppealChannel.PHONE.label),
                                                                 (AppealChannel.VISIT, AppealChannel.VISIT.label)])
    entering_org = forms.ModelChoiceField(label=_("Entered by"), queryset=None, empty_label=None)
    id_number = forms.CharField(label=_("Worker's ID number (if a registered member)"), max_length=18,
                                required=False)
    contact_name = forms.CharField(label=_("Worker's name"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("Worker's mobile"), max_length=20, required=False)
    handle_here = forms.BooleanField(label=_("Our organisation handles it (我单位受理)"), required=False,
                                     help_text=_("Otherwise it is routed to the union or town of the enterprise."))

    field_order = ["channel", "entering_org", "category", "title", "content", "id_number", "contact_name",
                   "contact_phone", "anonymous", "enterprise_name", "handle_here", "attachments"]

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.orgs.models import Org

        self.fields["entering_org"].queryset = Org.objects.filter(pk__in=[o.pk for o in orgs]).order_by("path")

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone") or ""
        return validate_mobile(value) if value.strip() else ""

    def clean_id_number(self):
        from gonghui.members.selectors import classify_query

        value = (self.cleaned_data.get("id_number") or "").strip().upper()
        if value and classify_query(value) != "id":
            raise forms.ValidationError(_("Enter the 18-character ID number, or leave it empty and type the "
                                          "worker's name and mobile."))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("anonymous") and not (data.get("id_number") or "").strip():
            if not (data.get("contact_name") or "").strip():
                self.add_error("contact_name", _("Give the worker's name, or an ID number from the registry."))
            if not data.get("contact_phone") and "contact_phone" not in self.errors:
                self.add_error("contact_phone", _("Give the worker's mobile, or an ID number from the registry."))
        return data
