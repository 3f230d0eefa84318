"""A small course on disk, in the format of content/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

CHECK = """```gift
::时限::投诉须在多长时间内闭环？{
=3 个工作日#正确。
~24 小时#这是回访时限。
}

::回访::满意度回访在结案后 24 小时内完成。{T#错了。#对。}

::多选::安抚情绪时应当：{
~%50%表达理解#对。
~%50%复述问题#对。
~%-100%先讲规定#错。
}
```
"""

COURSE_YAML = """title:
  zh: 投诉处理
  en: Complaint handling
summary:
  zh: 学会按流程处理投诉。
  en: Handle complaints by the process.
category: complaint-handling
hours: 2.5
levels: [junior, mid, senior]
pass_mark: 80
lessons:
  - 01-what-a-complaint-is
  - 02-the-process
"""


def lesson(title: str, body: str = "正文。\n\n::: rule\n投诉须在 3 个工作日内闭环。\n:::\n") -> str:
    return f"---\ntitle: {title}\nminutes: 10\n---\n\n{body}\n{CHECK}"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    course = root / "courses" / "complaint-handling"
    (course / "lessons").mkdir(parents=True)
    (course / "course.yaml").write_text(COURSE_YAML)
    (course / "lessons" / "01-what-a-complaint-is.md").write_text(lesson("什么是投诉"))
    (course / "lessons" / "01-what-a-complaint-is.en.md").write_text(lesson("What a complaint is"))
    (course / "lessons" / "02-the-process.md").write_text(lesson("投诉处理流程"))
    return root
