"""Forms of the member pages. They collect and shape input; the rules live in
`validation.clean_member_input` (shared with the API and the import) and in the services."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.core.regions import PROVINCE_CHOICES

from . import selectors
from .models import Education, MembershipStatus, SkillLevel
from .selectors import MemberFilters, is_pii_query
from .validation import MemberInputError, clean_member_input

MEMBER_FIELDS = ("name", "id_number", "phone", "hometown_province", "is_migrant", "education", "skill_level",
                 "joined_on")
YES_NO_AUTO = [("", _("Decide from the hometown province")), ("yes", _("Yes")), ("no", _("No"))]


class StyledFormMixin:
    """Bootstrap classes on every widget, and `is-invalid` on fields with errors (Django adds
    aria-invalid and aria-describedby pointing at the error list itself)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def org_label(org, base_depth=1):
    return "\u00a0\u00a0" * max(org.depth - base_depth, 0) + org.name


def set_model_options(field, objects, *, label=str, empty_label=None):
    """Render a model choice field with a short, precomputed list of options (the queryset still
    validates the submitted value, so a value outside the list but in scope is accepted)."""
    choices = [("", empty_label)] if empty_label is not None else []
    choices += [(obj.pk, label(obj)) for obj in objects]
    field.widget.choices = choices


# --- member list --------------------------------------------------------------------------------

STATUS_CHOICES = [("live", _("Current members")), *MembershipStatus.choices, ("all", _("All periods"))]
MIGRANT_CHOICES = [("", _("Everyone")), ("yes", _("Migrant workers")), ("no", _("Local workers"))]


class MemberSearchForm(StyledFormMixin, forms.Form):
    """The list's search and filters. It is POSTed: an ID or mobile number must never travel in
    a URL (access logs); name searches are then redirected to a bookmarkable GET."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=64,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false",
                                      "placeholder": _("Name, initials (zsf), ID card or mobile")}),
    )
    org = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=None,
                                 empty_label=_("All my organisations"), widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    migrant = forms.ChoiceField(label=_("Migrant worker"), choices=MIGRANT_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.filter_org_queryset(user)
        for name in ("org", "status", "migrant"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""

    def value(self, name, default=None):
        """A field's cleaned value, or the default when it is missing or invalid."""
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def filters(self) -> MemberFilters:
        migrant = self.value("migrant", "")
        return MemberFilters(
            q=(self.value("q", "") or "").strip(),
            org=self.value("org"),
            status=self.value("status") or "live",
            migrant={"yes": True, "no": False}.get(migrant),
        )

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def query_string(self, **extra) -> str:
        """The non-default filters as a query string (never called for an ID/mobile search)."""
        filters = self.filters()
        assert not is_pii_query(filters.q)
        params = {"q": filters.q, "org": filters.org.pk if filters.org else "",
                  "status": "" if filters.status == "live" else filters.status,
                  "migrant": self.value("migrant", "")}
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


# --- register and edit --------------------------------------------------------------------------

class MemberFieldsForm(StyledFormMixin, forms.Form):
    """The person fields shared by registering and editing."""

    name = forms.CharField(label=_("Name"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    hometown_province = forms.ChoiceField(label=_("Hometown province"), required=False,
                                          choices=[("", _("From the ID card number"))] + PROVINCE_CHOICES)
    is_migrant = forms.ChoiceField(label=_("Migrant worker"), required=False, choices=YES_NO_AUTO)
    education = forms.ChoiceField(label=_("Education"), required=False,
                                  choices=[("", _("Not recorded"))] + Education.choices)
    skill_level = forms.ChoiceField(label=_("Skill level"), choices=SkillLevel.choices, initial=SkillLevel.NONE)

    member_input = None

    def raw_member_values(self, cleaned):
        return {name: cleaned.get(name) for name in MEMBER_FIELDS}

    def clean(self):
        """Run the shared member validation after the fields' own checks, putting each problem
        on its field. The result is `self.member_input` (a validation.MemberInput)."""
        cleaned = super().clean()
        try:
            member_input = clean_member_input(self.raw_member_values(cleaned))
        except MemberInputError as exc:
            for name, message in exc.errors.items():
                if name not in self.errors:  # one message per field: the field's own check first
                    self.add_error(name if name in self.fields else None, message)
        else:
            if not self.errors:
                self.member_input = member_input
        return cleaned


class RegisterMemberForm(MemberFieldsForm):
    union = forms.ModelChoiceField(label=_("Union"), queryset=None, empty_label=_("Choose a union"))
    enterprise = forms.ModelChoiceField(label=_("Employer"), queryset=None, required=False,
                                        empty_label=_("Not recorded"),
                                        help_text=_("An enterprise of the chosen union."))
    id_number = forms.CharField(
        label=_("ID card number"), max_length=30,
        help_text=_("18 characters; the date of birth and gender are taken from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "masked"}),
    )
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())

    field_order = ["union", "enterprise", "name", "id_number", "phone", "hometown_province", "is_migrant",
                   "education", "skill_level", "joined_on"]

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("joined_on", datetime.date.today())
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = selectors.registrable_unions(user)
        self.fields["enterprise"].queryset = selectors.enterprise_queryset(user)
        # With JavaScript, choosing a union reloads the employer options (htmx).
        self.fields["union"].widget.attrs.update({
            "hx-get": reverse("members:enterprise_options"), "hx-trigger": "change",
            "hx-target": "#id_enterprise", "hx-swap": "innerHTML",
        })

    def selected_union(self):
        """The union the form currently points at (submitted and valid, or initial)."""
        if self.is_bound:
            return getattr(self, "cleaned_data", {}).get("union")
        initial = self.initial.get("union")
        return initial if hasattr(initial, "pk") else None

    def set_union_options(self, unions):
        set_model_options(self.fields["union"], unions, empty_label=self.fields["union"].empty_label)

    def set_enterprise_options(self, enterprises, *, show_union=False):
        label = (lambda e: f"{e.name} ({e.union})") if show_union else str
        set_model_options(self.fields["enterprise"], enterprises, label=label,
                          empty_label=self.fields["enterprise"].empty_label)


class EditPersonForm(MemberFieldsForm):
    """Correct a person's details. The ID card number is the identity and is not editable; the
    mobile number is never shown in clear here (that would be an unaudited reveal): blank keeps it."""

    clear_phone = forms.BooleanField(label=_("Remove the mobile number"), required=False)

    field_order = ["name", "phone", "clear_phone", "hometown_province", "is_migrant", "education", "skill_level"]

    def __init__(self, *args, person, **kwargs):
        self.person = person
        initial = kwargs.setdefault("initial", {})
        for name in ("name", "hometown_province", "education", "skill_level"):
            initial.setdefault(name, getattr(person, name))
        initial.setdefault("is_migrant", "yes" if person.is_migrant else "no")
        super().__init__(*args, **kwargs)
        phone = self.fields["phone"]
        phone.label = _("New mobile number")
        phone.help_text = (_("Now %(masked)s. Leave blank to keep it.") % {"masked": person.phone_masked}
                           if person.phone_masked else _("No mobile number recorded."))
        province = self.fields["hometown_province"]
        province.choices, province.required = PROVINCE_CHOICES, True

    def raw_member_values(self, cleaned):
        raw = super().raw_member_values(cleaned)
        # The services identify the person by the ID number: used here, never displayed.
        raw["id_number"] = self.person.id_number()
        raw["joined_on"] = None
        if cleaned.get("clear_phone"):
            raw["phone"] = ""
        elif not (cleaned.get("phone") or "").strip():
            raw["phone"] = self.person.phone()
        return raw

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_phone") and (cleaned.get("phone") or "").strip():
            self.add_error("phone", _("Either type a new number or tick “remove”, not both."))
        return cleaned


# --- leaving and transfers ----------------------------------------------------------------------

class EndMembershipForm(StyledFormMixin, forms.Form):
    ended_on = forms.DateField(label=_("Left on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for leaving"), max_length=200,
                             help_text=_("For example: left the enterprise, retired, deceased."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("ended_on", datetime.date.today())
        super().__init__(*args, **kwargs)


class TransferRequestForm(StyledFormMixin, forms.Form):
    to_union = forms.ModelChoiceField(label=_("Receiving union"), queryset=None,
                                      empty_label=_("Choose a union"))
    effective_on = forms.DateField(label=_("Effective on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("For example: changed employer."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("effective_on", datetime.date.today())
        super().__init__(*args, **kwargs)
        self.fields["to_union"].queryset = selectors.transfer_target_queryset()

    def selected_union(self):
        if self.is_bound:
            return self.cleaned_data.get("to_union") if hasattr(self, "cleaned_data") else None
        initial = self.initial.get("to_union")
        return initial if hasattr(initial, "pk") else None

    def set_union_options(self, unions):
        set_model_options(self.fields["to_union"], unions, empty_label=self.fields["to_union"].empty_label)


class TransferDecisionForm(StyledFormMixin, forms.Form):
    """The note of an accept, reject or cancel (the form prefix says which). A rejection needs a
    reason; the service says so on the field."""

    LABELS = {"accept": _("Note (optional)"), "reject": _("Reason for rejecting"),
              "cancel": _("Note (optional)")}

    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = self.LABELS.get(self.prefix, self.fields["note"].label)


