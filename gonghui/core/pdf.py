"""PDF documents (certificates, notices) from HTML templates, rendered by WeasyPrint.

Chinese text needs a CJK font on the machine: the project's set-up installs Debian's
`fonts-noto-cjk` (`make browser-deps`), and `FONT_STACK` names it first. `cjk_font_available()`
tells whether fontconfig knows a font for Chinese; without one WeasyPrint would draw empty boxes,
so `render_pdf` refuses rather than produce an unreadable certificate.

Templates extend `core/pdf/base.html` (A4, margins, the font stack) and are rendered with the
request's language active; the PDF's text layer carries the characters, so the text can be
searched, copied and checked in tests (`pdf_text`).
"""

import functools
import io
import shutil
import subprocess

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .errors import DomainError

FONT_STACK = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "WenQuanYi Zen Hei", serif'


@functools.cache
def cjk_font_available() -> bool:
    """Whether fontconfig has a font that covers Chinese (checked once per process)."""
    if not shutil.which("fc-list"):
        return False
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """The PDF of `template_name` rendered with `context` (bytes)."""
    if not cjk_font_available():
        raise DomainError(_("No Chinese font is installed on the server, so the PDF cannot be made. Ask the "
                            "administrator to install fonts-noto-cjk."), code="no_cjk_font")
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s, needed only for PDFs

    html = render_to_string(template_name, {"font_stack": FONT_STACK, **context}, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF (all pages), for tests and checks."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
