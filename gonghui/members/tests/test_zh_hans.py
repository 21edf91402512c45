"""The zh_Hans catalogue is compiled and used: pages render in Chinese under the default language."""

from django.urls import reverse
from django.utils import translation

from .member_helpers import register


def test_member_detail_renders_in_chinese(client, tree):
    member = register(tree.union1_chair, tree.union1, "孙悟空")
    client.force_login(tree.union1_chair)
    with translation.override("zh-hans"):
        body = client.get(reverse("members:detail", args=[member.person_id]),
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "查看完整信息" in body and "会籍记录" in body and "在籍" in body
    assert "Reveal full numbers" not in body


def test_plural_and_placeholders_are_kept():
    with translation.override("zh-hans"):
        assert translation.ngettext("Import %(n)s member", "Import %(n)s members", 3) % {"n": 3} == "导入 3 名会员"
        assert translation.gettext("Page %(n)s of %(total)s") % {"n": 2, "total": 5} == "第 2 页，共 5 页"
