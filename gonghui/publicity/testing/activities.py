"""Builders for the theme activity tests (and other areas' tests and layout tours): an activity
of union1 (or another org) logged through the services, submitted and confirmed when asked."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.publicity.models.activities import ThemeActivity
from gonghui.publicity.services import activities as services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def png(name="photo.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def values(**overrides):
    v = {"theme": "SEND_HEALTH", "title": "送健康进企业义诊", "held_on": services.today() - datetime.timedelta(days=3),
         "place": "企业食堂", "content": "邀请社区医院为职工义诊、测血压。", "participants": 80,
         "organisers": "社区卫生服务中心"}
    v.update(overrides)
    return v


def draft(tree, *, org=None, actor=None, **overrides) -> ThemeActivity:
    return services.log_activity(actor=actor or tree.district_staff, org=org or tree.union1, **values(**overrides))


def submitted(tree, **kwargs) -> ThemeActivity:
    a = draft(tree, **kwargs)
    return services.submit_activity(actor=tree.district_staff, activity=a)


def confirmed(tree, **kwargs) -> ThemeActivity:
    a = submitted(tree, **kwargs)
    return services.review_activity(actor=tree.district_staff, activity=a, decision="CONFIRMED")


__all__ = ["draft", "submitted", "confirmed", "png", "values", "PNG", "JPEG", "io"]
