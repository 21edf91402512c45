"""Form helpers shared by every app."""


from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .audit_labels import action_choices, object_type_label
from .text import escape_html


class FastSelect(forms.Select):
    """The same <select> as forms.Select, built in Python. Django renders every <option>
    through a template (≈0.15 ms each): a town's filter of ≈230 unions cost ≈35 ms of a member
    list request that way. Attributes, selection and option groups are as Django makes them."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html("<select name=\"{}\"{}>", widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group is not None:
                parts.append(format_html("<optgroup label=\"{}\">", group))
            parts.extend(_option_html(option) for option in options)
            if group is not None:
                parts.append(mark_safe("</optgroup>"))
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))


def _option_html(option):
    value = "" if option["value"] is None else option["value"]
    attrs = flatatt(option["attrs"]) if option["attrs"] else ""
    return f'<option value="{escape_html(value)}"{attrs}>{escape_html(option["label"])}</option>'


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
    PermissionDenied propagates (403). A full disk while the service stored an upload is a form
    error too (the service's transaction rolled back; the storage removed its partial file)."""
    from .faults import disk_full_message, is_disk_full

    try:
        return fn(**kwargs)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        add_service_error(form, exc)
        return None
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        form.add_error(None, disk_full_message())
        return None


def _audit_object_types():
    """(label, name) of every model of the platform's own apps, for the audit filter."""
    from django.apps import apps

    types = [m._meta.label for m in apps.get_models() if m.__module__.startswith("gonghui.")]
    types.append("otp_totp.TOTPDevice")
    return sorted((label, f"{object_type_label(label)} ({label})") for label in types)


# The two long menus of the audit filter per language: their labels are registered once at
# start-up (audit_labels), and building them (≈700 translated, sorted labels) cost ≈20 ms a page.
_AUDIT_MENUS: dict[str, tuple[list, list]] = {}


def _audit_menus():
    """(action choices, object type choices) in the current language, built once per language."""
    language = get_language() or ""
    menus = _AUDIT_MENUS.get(language)
    if menus is None:
        menus = _AUDIT_MENUS[language] = (action_choices(), _audit_object_types())
    return menus


class ActionChoiceField(forms.ChoiceField):
    """The labelled actions as a menu, yet any code prefix is still accepted: links and
    bookmarks made when this was a "starts with" text box keep working."""

    def valid_value(self, value):
        return True


class AuditFilterForm(forms.Form):
    """Filters of the audit trail page (GET). Org choices are the caller's short reach list."""

    # The menus hold ≈540 actions and ≈160 record types: FastSelect builds them in Python (Django's
    # per-option templates cost ≈100 ms of every audit page).
    action = ActionChoiceField(label=_("Action"), required=False, validators=[MaxLengthValidator(64)],
                               widget=FastSelect)
    actor = forms.CharField(label=_("Who (username starts with)"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Record type"), required=False, choices=(), widget=FastSelect)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    org = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None, choices=(),
                                 widget=FastSelect)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        actions, object_types = _audit_menus()
        self.fields["object_type"].choices = [("", _("All types")), *object_types]
        self.fields["action"].choices = self._action_choices(actions)
        base = min((org.depth for org in orgs), default=1)
        self.fields["org"].choices = [("", _("Everywhere I may see"))] + [
            (org.pk, "\u2003" * (org.depth - base) + org.name) for org in orgs]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def _action_choices(self, actions):
        choices = [("", _("All actions")), *actions]
        typed = (self.data.get("action") or "").strip() if self.is_bound else ""
        offered = {value for _group, options in choices[1:] for value, _label in options}
        if typed and typed not in offered:
            # show a hand-made prefix as selected instead of silently dropping it from the menu
            choices.insert(1, (typed, _("Starts with “%(prefix)s”") % {"prefix": typed[:64]}))
        return choices

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“To” must not be before “From”."))
        return data
