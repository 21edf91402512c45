"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_error(form, exc: ValidationError):
    """Show a service's refusal on the form: on its field when it names one the form has,
    otherwise as a form-wide error. Nothing was saved (services are atomic)."""
    field = getattr(exc, "field", None)
    if field not in form.fields:
        field = None
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    form.add_error(field, exc.messages)


def run_service(form, fn, **kwargs):
    """Call a service for a valid form; on a domain refusal put it on the form and return None.
    PermissionDenied propagates (403)."""
    try:
        return fn(**kwargs)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        add_service_error(form, exc)
        return None


def _audit_object_types():
    """(label, name) of every model of the platform's own apps, for the audit filter."""
    from django.apps import apps

    types = [(m._meta.label, f"{m._meta.verbose_name} ({m._meta.label})") for m in apps.get_models()
             if m.__module__.startswith("gonghui.")]
    types.append(("otp_totp.TOTPDevice", f"{_('authenticator app')} (otp_totp.TOTPDevice)"))
    return sorted(types, key=lambda item: item[0])


class AuditFilterForm(forms.Form):
    """Filters of the audit trail page (GET). Org choices are the caller's short reach list."""

    action = forms.CharField(label=_("Action starts with"), required=False, max_length=64)
    actor = forms.CharField(label=_("Who (username starts with)"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Record type"), required=False, choices=())
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    org = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None, choices=())

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All types"))] + _audit_object_types()
        base = min((org.depth for org in orgs), default=1)
        self.fields["org"].choices = [("", _("Everywhere I may see"))] + [
            (org.pk, "\u2003" * (org.depth - base) + org.name) for org in orgs]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“To” must not be before “From”."))
        return data
