"""Factories of the `intake` area: appeals created the way workers create them (through the
service: numbered, routed, timed, with their SUBMITTED/ROUTED events), for other areas' tests
and the layout tours."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.members.models import Person

from ..models.appeals import AppealCategory, AppealEventKind, AppealResult, AppealStatus
from ..services import appeals as shared
from ..services import intake as services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def png(name="photo.png", size=None):
    data = PNG if size is None else PNG + b"\x00" * (size - len(PNG))
    return SimpleUploadedFile(name, data, content_type="image/png")


def pdf(name="contract.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fake(name="virus.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")


def public_appeal(*, category=AppealCategory.WAGES_OWED, title="拖欠三个月工资", content="公司拖欠工资三个月。",
                  anonymous=False, contact_name="王师傅", contact_phone="13812345678", enterprise_name="", files=()):
    return services.submit_public(category=category, title=title, content=content, anonymous=anonymous,
                                  contact_name="" if anonymous else contact_name,
                                  contact_phone="" if anonymous else contact_phone,
                                  enterprise_name=enterprise_name, files=files)


def member_appeal(user, person: Person, *, category=AppealCategory.CONTRACT, title="劳动合同未续签",
                  content="合同到期后公司未续签。", anonymous=False, enterprise=None, files=()):
    return services.submit_as_member(user=user, person=person, category=category, title=title, content=content,
                                     anonymous=anonymous, enterprise=enterprise, files=files)


def close_now(appeal, *, result=AppealResult.RESOLVED, text="已协调企业补发工资。", closed_at=None):
    """Close an appeal as the handling org would (the `appeals` area's step, written directly so
    intake's tests do not depend on it): CLOSED event public, on time or not."""
    closed_at = closed_at or timezone.now()
    appeal.status, appeal.result, appeal.result_text, appeal.closed_at = AppealStatus.CLOSED, result, text, closed_at
    appeal.closed_on_time = timezone.localdate(closed_at) <= appeal.due_on
    appeal.save()
    shared.add_event(appeal, AppealEventKind.CLOSED, public=True, text=text, actor_org=appeal.org)
    return appeal


def internal_note(appeal, text="内部备注：企业负责人态度强硬，需约谈。", actor=None):
    return shared.add_event(appeal, AppealEventKind.NOTE, public=False, text=text, actor=actor, actor_org=appeal.org)


__all__ = ["PNG", "PDF", "png", "pdf", "fake", "public_appeal", "member_appeal", "close_now", "internal_note", "io"]
