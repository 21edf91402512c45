"""Builders for the study session tests (and the layout tours): a session of an org (town1 by
default) created through the services, its cadres invited, optionally started in the past."""

import datetime

from django.utils import timezone

from gonghui.publicity.models.studies import StudySession
from gonghui.publicity.services import studies as services


def session(tree, *, org=None, actor=None, days=3, hours=2, invite=True, title="学习贯彻工会十八大精神",
            kind="THEORY", place="街道会议室") -> StudySession:
    """A PLANNED session of `org` (town1) starting `days` from now (negative: in the past), with
    every cadre under the organiser invited when `invite`. Past sessions are created in the future
    then moved (the services refuse nothing about past dates, but this keeps it explicit)."""
    org = org or tree.town1
    actor = actor or tree.district_staff
    starts = timezone.now() + datetime.timedelta(days=days)
    s = services.create_session(actor=actor, org=org, kind=kind, title=title, topic="专题学习", place=place,
                                speaker="王老师", online_url="", starts_at=starts,
                                ends_at=starts + datetime.timedelta(hours=hours))
    if invite:
        services.invite(actor=actor, session=s, whole_subtree=True)
    return s


def started(tree, **kwargs) -> StudySession:
    """A PLANNED session that started an hour ago and ends in an hour (attendance open)."""
    kwargs.setdefault("days", 0)
    s = session(tree, **kwargs)
    StudySession.objects.filter(pk=s.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1),
                                                ends_at=timezone.now() + datetime.timedelta(hours=1))
    s.refresh_from_db()
    return s


def pdf_upload(name="材料.pdf", size=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = b"%PDF-1.4\n" + b"x" * ((size or 100) - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def office_upload(kind="docx", name=None):
    """A minimal Office package: the content-types part declaring the document part of `kind`, and that part."""
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.publicity.services.studies import OFFICE_PARTS

    part, main = OFFICE_PARTS[kind]
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             f'content-types"><Override PartName="/{part}" ContentType="{main}"/></Types>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr(part, "<x/>")
    return SimpleUploadedFile(name or f"课件.{kind}", buf.getvalue())
