"""Forms of the `auth` area: phone-first, big inputs, the right keyboards on a phone.

The forms only shape the input (lengths, the two passwords matching); the services say what is
wrong with a number, a code or a password, on the field they name (`run_service`). Every field is
optional here because one form serves two buttons: "send me a code" needs only the number.
"""

from django import forms
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ..rules.auth import rules

PHONE_MAX_LENGTH = 20  # "+86 138 0013 8000" and the like; the service keeps the 11 digits


def _input(**attrs):
    return {"class": "form-control form-control-lg", **attrs}


def phone_field():
    return forms.CharField(
        label=_("Mobile number"), max_length=PHONE_MAX_LENGTH, required=False,
        widget=forms.TextInput(attrs=_input(type="tel", inputmode="tel", autocomplete="tel",
                                            placeholder=_("11-digit mobile number"))))


def code_field():
    length = rules().code_length
    return forms.CharField(
        label=_("SMS code"), max_length=length + 4, required=False,
        widget=forms.TextInput(attrs=_input(inputmode="numeric", autocomplete="one-time-code",
                                            placeholder=_("%(n)d digits") % {"n": length})))


def password_field(label, autocomplete, help_text=""):
    return forms.CharField(label=label, required=False, strip=False, max_length=1024, help_text=help_text,
                           widget=forms.PasswordInput(attrs=_input(autocomplete=autocomplete)))


# Django's validators describe themselves (length, not only digits, not common, not like your name).
_new_password_help = lazy(password_validation.password_validators_help_text_html, str)()


class PasswordLoginForm(forms.Form):
    phone = phone_field()
    password = password_field(_("Password"), "current-password")


class CodeLoginForm(forms.Form):
    phone = phone_field()
    code = code_field()


class _NewPasswordMixin:
    """Two password fields that must match; the service applies Django's validators."""

    first, second = "password1", "password2"

    def clean(self):
        data = super().clean()
        first, second = data.get(self.first), data.get(self.second)
        if first and second is not None and first != second:
            self.add_error(self.second, _("The two passwords differ. Type the same password twice."))
        return data


class SignUpForm(_NewPasswordMixin, forms.Form):
    phone = phone_field()
    code = code_field()
    name = forms.CharField(label=_("Your name"), max_length=64, required=False,
                           widget=forms.TextInput(attrs=_input(autocomplete="name")))
    password1 = password_field(_("Password"), "new-password", help_text=_new_password_help)
    password2 = password_field(_("Password again"), "new-password")


class ResetForm(_NewPasswordMixin, forms.Form):
    first, second = "new_password1", "new_password2"

    phone = phone_field()
    code = code_field()
    new_password1 = password_field(_("New password"), "new-password", help_text=_new_password_help)
    new_password2 = password_field(_("New password again"), "new-password")
