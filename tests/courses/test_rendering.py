"""Lesson Markdown renders to safe HTML with callouts, dialogues and tables."""

from __future__ import annotations

import re

from lms.courses.rendering import render_lesson

LESSON = """## 接听规范

电话须在 **30 秒** 内接起。

::: rule
复杂问题须在 1 分钟内告知预计处理时间。
:::

::: dialogue
客户：我的快递三天了还没到！
客服：您好，非常理解您着急的心情，我马上为您查询。
（客服查询物流信息）
:::

| 渠道 | 时限 |
| --- | --- |
| 电话 | 30 秒 |
"""


def test_callouts_dialogues_and_tables(app) -> None:
    with app.test_request_context("/"):
        html = render_lesson(LESSON, "zh_Hans")
    assert '<div class="callout callout-rule" role="note">' in html
    assert "复杂问题须在 1 分钟内告知预计处理时间。" in html
    assert '<div class="turn turn-customer">' in html
    assert '<div class="turn turn-agent">' in html
    assert "我马上为您查询" in html
    assert '<div class="turn turn-note">' in html
    assert "<table>" in html and "<td>30 秒</td>" in html
    assert "<strong>30 秒</strong>" in html


def test_english_dialogue_turns(app) -> None:
    with app.test_request_context("/"):
        html = render_lesson("::: dialogue\nCustomer: Hello?\nAgent: Good morning!\n:::\n", "en")
    assert html.count('class="turn turn-') == 2


def test_raw_html_and_scripts_never_reach_the_page(app) -> None:
    hostile = (
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1))\n\n::: dialogue\n客户：<b onclick=x>hi</b>\n:::\n"
    )
    with app.test_request_context("/"):
        html = render_lesson(hostile, "zh_Hans")
    assert "<script" not in html
    assert "<img" not in html
    assert not re.search(r"<[^>]*\son\w+=", html)  # no event handler on any real tag
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, harmlessly
