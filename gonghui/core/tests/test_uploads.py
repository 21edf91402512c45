"""Uploaded documents are checked by content and size, and handed back only as downloads."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import translation

from gonghui.core.uploads import DocumentField, private_file_response, validate_document

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("agreement.pdf", PDF, "pdf"), ("scan.jpg", JPEG, "jpeg"), ("photo.png", PNG, "png"),
    # The name and the browser's content type do not matter, the bytes do.
    ("scan.PDF.txt", PDF, "pdf"), ("no-extension", PNG, "png"),
])
def test_real_documents_pass_whatever_they_are_called(name, content, kind):
    file = upload(name, content, content_type="text/plain")
    assert validate_document(file) == kind
    assert file.read(4) == content[:4]  # the check leaves the file at its start


def test_a_renamed_exe_is_refused_with_its_name():
    with pytest.raises(ValidationError) as excinfo:
        validate_document(upload("协议.pdf", EXE, "application/pdf"))
    assert excinfo.value.code == "wrong_type"
    assert excinfo.value.messages == ["The file “协议.pdf” is not a PDF, JPG or PNG file."]


def test_messages_are_in_chinese():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as excinfo:
            validate_document(upload("x.exe", EXE))
        assert excinfo.value.messages == ["文件“x.exe”不是 PDF、JPG 或 PNG 文件。"]
        with pytest.raises(ValidationError) as excinfo:
            validate_document(upload("big.pdf", PDF + b"0" * 2048), max_bytes=1024 * 1024 // 1024)
        assert excinfo.value.messages[0].startswith("文件“big.pdf”超过")
        with pytest.raises(ValidationError) as excinfo:
            validate_document(upload("empty.pdf", b""))
        assert excinfo.value.messages == ["文件“empty.pdf”是空的。"]


def test_only_the_kinds_asked_for():
    with pytest.raises(ValidationError) as excinfo:
        validate_document(upload("photo.png", PNG), kinds=("pdf",))
    assert excinfo.value.messages == ["The file “photo.png” is not a PDF file."]
    with pytest.raises(ValidationError) as excinfo:
        validate_document(upload("a.pdf", PDF), kinds=("jpeg", "png"))
    assert excinfo.value.messages == ["The file “a.pdf” is not a JPG or PNG file."]
    with pytest.raises(ValueError):
        validate_document(upload("a.pdf", PDF), kinds=("exe",))


def test_too_large_and_empty(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    big = upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as excinfo:
        validate_document(big)
    assert excinfo.value.code == "too_large"
    assert excinfo.value.messages == ["The file “big.pdf” is larger than 10 MB."]
    assert validate_document(upload("ok.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF)))) == "pdf"
    with pytest.raises(ValidationError) as excinfo:
        validate_document(upload("small.pdf", PDF + b"0" * 600), max_bytes=512)
    assert "larger than 0.5 KB" not in excinfo.value.messages[0] and excinfo.value.code == "too_large"
    with pytest.raises(ValidationError) as excinfo:
        validate_document(upload("empty.png", b""))
    assert excinfo.value.code == "empty"


class DocumentForm(forms.Form):
    scan = DocumentField(label="Scan")
    photo = DocumentField(label="Photo", kinds=("jpeg", "png"), required=False, max_bytes=1024)


def test_document_field_applies_the_checks():
    form = DocumentForm(data={}, files={"scan": upload("a.pdf", PDF), "photo": upload("p.png", PNG)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["scan"].document_kind == "pdf"
    form = DocumentForm(data={}, files={"scan": upload("a.exe", EXE), "photo": upload("p.pdf", PDF)})
    assert not form.is_valid()
    assert form.errors["scan"] == ["The file “a.exe” is not a PDF, JPG or PNG file."]
    assert form.errors["photo"] == ["The file “p.pdf” is not a JPG or PNG file."]
    assert 'accept=".jpg,.jpeg,image/jpeg,.png,image/png"' in str(form["photo"])
    form = DocumentForm(data={}, files={})
    assert not form.is_valid() and "scan" in form.errors


def test_private_file_response_is_an_attachment_with_nosniff(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    field = models.FileField(upload_to="test-docs/")
    name = field.storage.save("test-docs/scan.pdf", ContentFile(PDF))
    response = private_file_response(FieldFile(None, field, name), "集体合同.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E9%9B%86" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    response.file_to_stream.close()  # (response.close() would signal request_finished)


def test_a_stored_file_that_is_gone_answers_404_not_500(settings, tmp_path, caplog):
    settings.MEDIA_ROOT = str(tmp_path)
    field = models.FileField(upload_to="test-docs/")
    with pytest.raises(Http404):
        private_file_response(FieldFile(None, field, "test-docs/gone.pdf"), "gone.pdf")
    assert "test-docs/gone.pdf" in caplog.text
