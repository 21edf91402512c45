"""Checks for uploaded documents (scans of agreements, certificates, photos) and the one way
to hand a stored upload back.

- The type is read from the file's first bytes (its magic number), never from its name or the
  Content-Type the browser sent: a renamed .exe is refused whatever it is called.
- Size is limited by UPLOAD_MAX_BYTES (10 MB unless configured) or by the caller.
- Uploads are never served from MEDIA_URL: a view checks the user's scope on the record first,
  then answers with `private_file_response` (an attachment, `nosniff`, not cached).
"""

import logging
import os
from functools import wraps

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

logger = logging.getLogger(__name__)

# kind -> (signature at offset 0, label shown to users, file extension)
SIGNATURES = {
    "pdf": (b"%PDF-", "PDF", "pdf"),
    "jpeg": (b"\xff\xd8\xff", "JPG", "jpg"),
    "png": (b"\x89PNG\r\n\x1a\n", "PNG", "png"),
}
DEFAULT_KINDS = ("pdf", "jpeg", "png")
HEAD_BYTES = 16


def extension_of(kind: str) -> str:
    """The file extension for a kind `validate_document` found ("jpeg" → "jpg")."""
    return SIGNATURES[kind][2]


def max_upload_bytes():
    return getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)


def _megabytes(n):
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb >= 1 and mb == int(mb) else f"{mb:.1f}".rstrip("0").rstrip(".")


def _kinds_label(kinds):
    labels = [SIGNATURES[k][1] for k in kinds]
    if len(labels) == 1:
        return labels[0]
    return gettext("%(first)s or %(last)s") % {"first": pgettext("list separator", ", ").join(labels[:-1]),
                                               "last": labels[-1]}


def _name(upload):
    return os.path.basename(getattr(upload, "name", "") or "") or _("(no name)")


def sniff(head: bytes, kinds=DEFAULT_KINDS) -> str | None:
    """The kind whose signature the bytes start with, or None."""
    for kind in kinds:
        if head.startswith(SIGNATURES[kind][0]):
            return kind
    return None


def _read_head(upload):
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        return upload.read(HEAD_BYTES) or b""
    finally:
        upload.seek(position or 0)


def validate_document(upload, *, max_bytes=None, kinds=DEFAULT_KINDS) -> str:
    """Raise ValidationError unless `upload` is non-empty, within the size limit and really one
    of `kinds` ("pdf", "jpeg", "png") by its content. Returns the kind found."""
    unknown = [k for k in kinds if k not in SIGNATURES]
    if unknown or not kinds:
        raise ValueError(f"unknown document kinds: {unknown or kinds}")
    limit = max_bytes or max_upload_bytes()
    name = _name(upload)
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError(_("The file “%(name)s” is empty."), code="empty", params={"name": name})
    if size > limit:
        raise ValidationError(_("The file “%(name)s” is larger than %(limit)s MB."), code="too_large",
                              params={"name": name, "limit": _megabytes(limit)})
    kind = sniff(_read_head(upload), kinds)
    if kind is None:
        raise ValidationError(_("The file “%(name)s” is not a %(kinds)s file."), code="wrong_type",
                              params={"name": name, "kinds": _kinds_label(kinds)})
    return kind


class DocumentField(forms.FileField):
    """A file field that accepts only real PDF, JPG or PNG files within the size limit. After
    cleaning, the upload carries the kind found as `document_kind`."""

    def __init__(self, *, max_bytes=None, kinds=DEFAULT_KINDS, **kwargs):
        self.max_bytes = max_bytes
        self.kinds = tuple(kinds)
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": self.accept_attr()}))
        super().__init__(**kwargs)

    def accept_attr(self):
        types = {"pdf": ".pdf,application/pdf", "jpeg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}
        return ",".join(types[k] for k in self.kinds)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "read"):
            upload.document_kind = validate_document(upload, max_bytes=self.max_bytes, kinds=self.kinds)
        return upload


def private_file_response(fieldfile, download_name):
    """Send a stored upload as a download: attachment (never rendered inline), `nosniff`, no
    caching. Call it only after checking that the user may see the record the file belongs to.
    A record whose file is gone from storage (a restore without media, a disk replaced) answers
    404 like any missing thing, and the loss is logged for the operators instead of a 500."""
    try:
        fieldfile.open("rb")
    except FileNotFoundError:
        logger.error("stored file missing: %s", fieldfile.name)
        raise Http404 from None
    response = FileResponse(fieldfile, as_attachment=True, filename=download_name)
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes `limit` bytes (when no Content-Length told the view
    first): the rest of the body is discarded, never stored, and `request.upload_too_large` says
    so to the view. Insert it first: `request.upload_handlers.insert(0, SizeLimitHandler(...))`."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


# Room for the form's other fields beside the file in a multipart body.
FORM_OVERHEAD_BYTES = 64 * 1024


def limit_upload(request, limit) -> bool:
    """Before the body is read: False when Content-Length already says it is over `limit`
    (answer 413 without reading it); otherwise install `SizeLimitHandler`, which stops reading a
    body that grows past it, and return True. In a view decorated with `upload_limit_then_csrf`
    the decorator has done this already, and this answers what it found."""
    installed = getattr(request, "_upload_limit_fits", None)
    if installed is not None:
        return installed
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + FORM_OVERHEAD_BYTES:
        return False
    request.upload_handlers.insert(0, SizeLimitHandler(request, limit))
    return True


def upload_limit_then_csrf(limit):
    """Decorator of a view that takes a file (put it outermost), with `limit()` its byte limit.

    A browser's form post carries its CSRF token in the multipart body, so the CSRF middleware
    reads (and parses) the whole body before the view runs, and installing the size limit in the
    view is then too late (Django refuses: "You cannot alter upload handlers after the upload has
    been processed"). As Django's documentation advises, the view is exempted from the
    middleware's check, the limit is installed first, and the check runs right after it.

    A body whose Content-Length is already over the limit skips the CSRF check so that it need
    not be read: the view learns it from its `limit_upload` call and must answer without writing
    anything (413, or the form again with an error). Should it read the form anyway, the size
    handler is installed in that case too, so its files are discarded past the limit."""
    def decorator(view):
        protected = csrf_protect(view)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "POST":
                return protected(request, *args, **kwargs)
            fits = limit_upload(request, limit())
            request._upload_limit_fits = fits
            if fits:
                return protected(request, *args, **kwargs)
            request.upload_handlers.insert(0, SizeLimitHandler(request, limit()))
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorator


def too_large_import_message(limit_bytes):
    """What an import page says when the file is over its limit."""
    return gettext("The file is larger than %(max)s MB, the largest that can be imported. Split it into several "
                   "files.") % {"max": f"{limit_bytes / (1024 * 1024):.0f}"}
