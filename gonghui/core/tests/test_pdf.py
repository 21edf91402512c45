"""PDFs come out with their Chinese text in the text layer (a real CJK font was embedded)."""

import pytest

from gonghui.core import pdf
from gonghui.core.errors import DomainError

pytestmark = pytest.mark.skipif(not pdf.cjk_font_available(), reason="no CJK font (fonts-noto-cjk) installed")


def test_render_pdf_embeds_the_chinese_text(tmp_path, settings):
    template = tmp_path / "cert.html"
    template.write_text('{% extends "core/pdf/base.html" %}{% block body %}<h1>荣誉证书</h1>'
                        "<p>{{ name }} 同志在萧山区职工技能比武中荣获第一名。</p>{% endblock %}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    data = pdf.render_pdf("cert.html", {"name": "张三"})
    assert data.startswith(b"%PDF")
    text = pdf.pdf_text(data)
    assert "荣誉证书" in text
    assert "张三" in text and "第一名" in text


def test_without_a_cjk_font_render_refuses_with_a_message(monkeypatch):
    monkeypatch.setattr(pdf, "cjk_font_available", lambda: False)
    with pytest.raises(DomainError) as excinfo:
        pdf.render_pdf("core/pdf/base.html", {})
    assert excinfo.value.code == "no_cjk_font"
