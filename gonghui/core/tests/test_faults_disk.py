"""The disk fills up while an upload is written (a mutual-aid claim's document, a member import
file): the user is told the storage is full, no row and no partial file are left, and once there
is room again the same upload works.

The fault is staged inside the real FileSystemStorage write: the file is created and its first
bytes are written, then the next write raises OSError(ENOSPC), as a full disk does."""

import errno
import os
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.urls import reverse
from django.utils.html import escape

from gonghui.core.faults import disk_full_message
from gonghui.core.models import AuditEvent
from gonghui.members.importing import HEADERS
from gonghui.members.models import MemberImport
from gonghui.members.tests.import_samples import sample_rows, upload_file
from gonghui.welfare.models.mutualaid import ClaimDocument
from gonghui.welfare.testing.mutualaid import claim, covered, pdf, plan

pytestmark = pytest.mark.django_db

SAFE_STORAGES = {
    "default": {"BACKEND": "gonghui.core.storage.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture
def storage(settings):
    """The project's default storage (base.py; test.py overrides STORAGES with Django's own)."""
    settings.STORAGES = SAFE_STORAGES
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def full_disk(monkeypatch):
    """Every file written gets its first chunk on disk, then ENOSPC."""
    def chunks_then_full(original):
        def chunks(self, chunk_size=None):
            first = next(iter(original(self, chunk_size)), b"")
            yield first[:512] or b"x"
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return chunks

    for cls in (File, InMemoryUploadedFile):
        monkeypatch.setattr(cls, "chunks", chunks_then_full(cls.chunks))
    return monkeypatch


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_claim_document_upload_on_a_full_disk(client, tree, storage, full_disk):
    c = claim(tree, covered(tree, plan(tree))[0])
    client.force_login(tree.district_staff)
    url = reverse("welfare:claim_document_add", args=[c.pk])
    files_before = stored_files(storage)

    response = client.post(url, {"document-file": pdf("出院小结.pdf")})

    assert response.status_code == 400  # the claim page again, the message on the upload form
    assert escape(disk_full_message()) in response.content.decode()
    assert ClaimDocument.objects.filter(claim=c).count() == 0
    assert not AuditEvent.objects.filter(action="welfare.mutualaid_claim_document_add").exists()
    assert stored_files(storage) == files_before  # the partial file was removed

    full_disk.undo()  # room again
    response = client.post(url, {"document-file": pdf("出院小结.pdf")})
    assert response.status_code == 302
    assert ClaimDocument.objects.filter(claim=c).count() == 1
    assert len(stored_files(storage)) == len(files_before) + 1


def test_member_import_upload_on_a_full_disk(client, tree, storage, full_disk):
    client.force_login(tree.union1_chair)
    url = reverse("members:import_upload")
    data = [HEADERS, *sample_rows(3, seed=5)[1:]]

    response = client.post(url, {"target": tree.union1.pk, "file": upload_file(data)})

    assert response.status_code == 507
    assert escape(disk_full_message()) in response.content.decode()
    assert MemberImport.objects.count() == 0
    assert not AuditEvent.objects.filter(action="members.import.upload").exists()
    assert stored_files(storage) == []
    assert client.get(reverse("members:import_list")).status_code == 200  # the site keeps working

    full_disk.undo()
    response = client.post(url, {"target": tree.union1.pk, "file": upload_file(data)})
    assert response.status_code == 302
    assert MemberImport.objects.count() == 1 and len(stored_files(storage)) == 1
