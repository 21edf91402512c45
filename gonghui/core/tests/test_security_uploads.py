"""Uploads: every file field of every form refuses a file whose content is not what it claims,
a wrong extension where the name matters, and a file one byte over its limit, with a specific
Chinese message naming the file; uploads are never served from MEDIA_URL.

Generic: every form class of the project's apps is found (all URLconf views imported) and each
of its file fields is checked by its kind — DocumentField and the appeal attachments by content,
the two spreadsheet imports by `check_xlsx`, study materials by `material_kind`. A file field of
another kind fails `test_every_file_field_is_checked`, naming it. The API's multipart operations
are enumerated from the OpenAPI schema the same way.
"""

import inspect
import io
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, get_resolver, resolve
from django.utils import translation

from gonghui.core.uploads import DocumentField, max_upload_bytes

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Spreadsheet imports (checked by core.excel.check_xlsx in the form's clean_file).
SPREADSHEET_FIELDS = {"gonghui.members.views_import.ImportUploadForm.file",
                      "gonghui.bargaining.views_import.ImportForm.file"}
# Study materials may also be Word or PowerPoint: the service checks them (material_kind).
MATERIAL_FIELDS = {"gonghui.publicity.forms.studies.MaterialForm.file"}
# Multipart operations of the API and the service or helper that checks their file.
# (Each reads its file only after checking the user's rights on the record; reviewed by hand.)
API_UPLOADS = {
    "/wage-agreements/{agreement_id}/signed-file": "bargaining.api._check_upload → validate_document",
    "/home-assessments/{assessment_id}/evidence": "grassroots.services.homes.add_evidence → validate_document",
    "/competitions/{competition_id}/evidence": "competitions.services.labour → validate_document",
    "/skill-rewards/{claim_id}/scan": "honours.services.rewards.attach_scan → validate_document",
    "/mutual-aid-claims/{claim_id}/documents": "welfare.services.mutualaid.add_document → validate_document",
    "/my/mutual-aid-claims/{claim_id}/documents": "welfare.services.mutualaid.add_document → validate_document",
    "/appeals/{appeal_id}/attachments": "voice.services.appeals → validate_document",
    "/theme-activities/{activity_id}/photos": "publicity.services.activities → validate_document",
    "/study-sessions/{session_id}/materials": "publicity.services.studies.material_kind",
}


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def project_form_fields():
    """(dotted label, form class, field name, field) of every file field of every form class."""
    for pattern in get_resolver().url_patterns:  # imports every view, hence every form module
        getattr(pattern, "url_patterns", None)
    seen, stack = set(), [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    for form in sorted(seen, key=lambda c: (c.__module__, c.__qualname__)):
        if not form.__module__.startswith("gonghui."):
            continue
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.FileField) and name in form.__dict__.get("declared_fields", {}):
                yield f"{form.__module__}.{form.__qualname__}.{name}", form, name, field


def _content_checked(field) -> bool:
    from gonghui.voice.forms.intake import AttachmentsField

    return isinstance(field, DocumentField | AttachmentsField)


def refusal(field, file):
    """The ValidationError `field` raises for `file` (None when it accepts it)."""
    try:
        field.clean([file] if field.widget.allow_multiple_selected else file)
    except ValidationError as exc:
        return exc
    return None


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_every_file_field_is_checked():
    fields = list(project_form_fields())
    assert len(fields) >= 10, [label for label, *_ in fields]
    unknown = [label for label, _form, _name, field in fields
               if not _content_checked(field) and label not in SPREADSHEET_FIELDS | MATERIAL_FIELDS]
    assert not unknown, f"file fields not checked by content (use core.uploads.DocumentField): {unknown}"
    labels = {label for label, *_ in fields}
    assert labels >= SPREADSHEET_FIELDS | MATERIAL_FIELDS


def _limit(field):
    if getattr(field, "max_bytes", None):
        return field.max_bytes
    from gonghui.voice.forms.intake import AttachmentsField

    if isinstance(field, AttachmentsField):
        from gonghui.voice.rules.intake import rules

        return rules().attachment_max_bytes
    return max_upload_bytes()


@pytest.mark.parametrize(("name", "content"), [("通知.pdf", HTML), ("协议.pdf", EXE), ("照片.png", HTML)])
def test_document_fields_refuse_a_renamed_file(name, content):
    checked = [(label, field) for label, _form, _name, field in project_form_fields() if _content_checked(field)]
    assert len(checked) >= 8
    for label, field in checked:
        error = refusal(field, upload(name, content))
        assert error is not None, f"{label} accepted {name} holding {content[:10]!r}"
        message = " ".join(error.messages)
        assert name in message and CHINESE.search(message), (label, message)


def test_document_fields_refuse_one_byte_over_the_limit():
    for label, _form, _name, field in project_form_fields():
        if not _content_checked(field):
            continue
        limit = _limit(field)
        head = PNG if getattr(field, "kinds", ("pdf",)) == ("jpeg", "png") else PDF
        exactly = upload("扫描件.pdf", head + b"0" * (limit - len(head)))
        assert refusal(field, exactly) is None, f"{label} refused a file of exactly its limit"
        error = refusal(field, upload("扫描件.pdf", head + b"0" * (limit - len(head) + 1)))
        assert error is not None and error.code == "too_large", label
        assert "扫描件.pdf" in error.messages[0] and "MB" in error.messages[0], (label, error.messages)


def test_document_fields_take_the_kind_from_the_content_not_the_name():
    """A real PDF called .html is a PDF: it is stored under a name the server makes from the
    kind found (core.uploads.extension_of), never the user's extension; so a wrong extension
    cannot make the stored file anything but what its bytes are."""
    for label, _form, _name, field in project_form_fields():
        if isinstance(field, DocumentField) and "pdf" in field.kinds:
            checked = field.clean(upload("scan.html", PDF, "text/html"))
            assert checked.document_kind == "pdf", label


def spreadsheet_refusal(form, field_name, file):
    """The error of the import form's `clean_<field>` for `file` (None when accepted); called on
    its own, since building the form needs a user and a target."""
    bound = form.__new__(form)
    bound.cleaned_data = {field_name: file}
    try:
        getattr(bound, f"clean_{field_name}")()
    except ValidationError as exc:
        return exc
    return None


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("会员.xlsx", HTML, "并非 Excel 工作簿"),  # an HTML page renamed .xlsx
    ("会员.xlsx", EXE, "并非 Excel 工作簿"),   # a program renamed .xlsx
    ("会员.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, ".xlsx"),  # wrong extension (old Excel)
    ("会员.csv", b"name,phone\n", ".xlsx"),
])
def test_spreadsheet_imports_refuse_what_is_not_a_workbook(name, content, expected):
    for label, form, field_name, _field in project_form_fields():
        if label in SPREADSHEET_FIELDS:
            error = spreadsheet_refusal(form, field_name, upload(name, content, "application/octet-stream"))
            assert error is not None, f"{label} accepted {name}"
            message = " ".join(error.messages)
            assert expected in message and CHINESE.search(message), (label, message)


def test_spreadsheet_imports_refuse_one_byte_over_the_limit(settings):
    from gonghui.core.excel import XlsxStream

    workbook = io.BytesIO()
    with XlsxStream(workbook) as book:
        book.sheet("会员", headers=["姓名"]).append(["张三"])
    content = workbook.getvalue()
    settings.IMPORT_MAX_UPLOAD_BYTES = len(content) - 1
    for label, form, field_name, _field in project_form_fields():
        if label in SPREADSHEET_FIELDS:
            error = spreadsheet_refusal(form, field_name, upload("会员.xlsx", content))
            assert error is not None and "MB" in error.messages[0] and CHINESE.search(error.messages[0]), label
            settings.IMPORT_MAX_UPLOAD_BYTES = len(content)
            assert spreadsheet_refusal(form, field_name, upload("会员.xlsx", content)) is None, label
            settings.IMPORT_MAX_UPLOAD_BYTES = len(content) - 1


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("材料.pdf", HTML, "不是"),
    ("材料.docx", EXE, "不是"),
    ("材料.exe", PDF, ".pdf"),  # a real PDF with a wrong extension: the message says to rename it
])
def test_study_materials_refuse_renamed_files(name, content, expected):
    from gonghui.core.errors import DomainError
    from gonghui.publicity.services.studies import material_kind

    with pytest.raises(DomainError) as excinfo:
        material_kind(upload(name, content))
    message = " ".join(excinfo.value.messages)
    assert name in message and expected in message and CHINESE.search(message), message


def test_study_materials_refuse_one_byte_over_the_limit():
    from gonghui.core.errors import DomainError
    from gonghui.publicity.rules.studies import rules
    from gonghui.publicity.services.studies import material_kind

    limit = rules().material_max_bytes
    assert material_kind(upload("材料.pdf", PDF + b"0" * (limit - len(PDF)))) == "pdf"
    with pytest.raises(DomainError) as excinfo:
        material_kind(upload("材料.pdf", PDF + b"0" * (limit - len(PDF) + 1)))
    assert excinfo.value.code == "too_large" and "材料.pdf" in excinfo.value.messages[0]


def api_operations():
    """(path, methods, view function) of every operation of the API, read from its routers
    (building the OpenAPI document takes ~15 s; this takes milliseconds)."""
    from gonghui.api import api

    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield prefix + path, operation.methods, operation.view_func


def test_every_api_upload_is_known():
    multipart = {path for path, _methods, view in api_operations()
                 if any("UploadedFile" in str(p.annotation) for p in inspect.signature(view).parameters.values())}
    assert multipart, "no upload operation found: has the API changed?"
    assert multipart == set(API_UPLOADS), (
        f"new API uploads must check their file by content (validate_document) and be listed here: "
        f"{sorted(multipart - set(API_UPLOADS))}; gone: {sorted(set(API_UPLOADS) - multipart)}")


@pytest.mark.parametrize("path", ["/media/private/exports/1/x.xlsx", "/media/x.pdf", "/media/"])
def test_media_is_never_served(path, client):
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    assert match is None or "serve" not in match.func.__name__
    assert client.get(path).status_code == 404
