"""Domain errors with stable codes and a translatable message a user can act on.

Services raise `DomainError`; views turn it into a form/page error, the API into a 400/409 body.
Codes are stable strings (Saleor's error_codes idea) so clients can branch on them.
"""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A business rule refused the request. `field` names the form field, when there is one."""

    def __init__(self, message, *, code, field=None, params=None):
        self.field = field
        super().__init__(message, code=code, params=params)

    @property
    def text(self):
        return " ".join(str(m) for m in self.messages)


class PermissionDeniedInScope(DomainError):
    """The actor may see the record but not perform this action on it."""

    def __init__(self, message=None, *, code="forbidden"):
        from django.utils.translation import gettext_lazy as _

        super().__init__(message or _("You are not allowed to do this."), code=code)
