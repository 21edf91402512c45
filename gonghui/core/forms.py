"""Form helpers shared by every app."""

from django.core.exceptions import PermissionDenied, ValidationError


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
