import datetime
import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .roles import Role

BOOTSTRAP = {"class": "form-control"}


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The username or password is wrong. Note that both are case-sensitive. "
                           "After %(limit)s failed attempts the account is locked for a while."),
        "inactive": _("This account is disabled. Ask your union administrator."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def get_invalid_login_error(self):
        from django.conf import settings

        return forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                     params={"limit": settings.AXES_FAILURE_LIMIT})


class ChangePasswordForm(PasswordChangeForm):
    """Django's form (old password check + validators); the service does the write."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("API token", "Name"), max_length=64,
                           help_text=_("What the token is for, e.g. “monthly statistics script”."))
    expires_on = forms.DateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Leave empty for a token that does not expire."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_expires_on(self):
        value = self.cleaned_data.get("expires_on")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("The expiry date must be after today."))
        return value

    def expires_at(self):
        """End of the chosen day in local time (the token works through that whole day)."""
        value = self.cleaned_data.get("expires_on")
        if value is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(value + datetime.timedelta(days=1), datetime.time.min))


class OTPCodeForm(forms.Form):
    code = forms.CharField(label=_("6-digit code"), max_length=12,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "autofocus": True, "pattern": "[0-9 ]*"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_code(self):
        value = re.sub(r"\s+", "", self.cleaned_data.get("code", ""))
        if not re.fullmatch(r"[0-9]{6}", value):
            raise forms.ValidationError(_("Enter the 6 digits shown in your authenticator app."))
        return value


class RoleAssignForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}))
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = list(roles)
        _style(self)

    def clean_username(self):
        from .selectors import find_user

        username = self.cleaned_data["username"].strip()
        user = find_user(username)
        if user is None:
            raise forms.ValidationError(
                _("There is no active account with the username “%(username)s”. Check the spelling, "
                  "or open the account under “New account”."), params={"username": username})
        self.user = user
        return username


class AccountCreateForm(forms.Form):
    """A new account with its first role. Prefixed: it shares the roles page with RoleAssignForm.
    The service checks the username (characters, taken in any case) and the role."""

    prefix = "new"

    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("What the person signs in with: letters, digits and @ . + - _ "
                                           "(no spaces)."),
                               widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none",
                                                             "spellcheck": "false"}))
    display_name = forms.CharField(label=_("Display name"), max_length=64,
                                   help_text=_("The person's full name, as colleagues know it."),
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = list(roles)
        _style(self)


class RoleFilterForm(forms.Form):
    q = forms.CharField(label=_("Username starts with"), required=False, max_length=150)
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("All roles"))] + list(Role.choices))
    org = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None,
                                 choices=())

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", _("Everywhere I manage"))] + org_choices(orgs)
        _style(self)


def org_choices(orgs):
    """(pk, indented name) for a short list of orgs in tree order."""
    base = min((org.depth for org in orgs), default=1)
    return [(org.pk, "\u2003" * (org.depth - base) + org.name) for org in orgs]
