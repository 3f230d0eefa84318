"""The seeded courses in content/ meet the length and structure rules, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.courses.content import read_course
from lms.courses.models import CourseCategory

CONTENT = Path(__file__).resolve().parents[2] / "content"
COURSES = sorted(p for p in (CONTENT / "courses").iterdir() if p.is_dir())
HAN = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def test_each_course_has_its_own_category() -> None:
    categories = [read_course(folder, CONTENT).category for folder in COURSES]
    assert len(set(categories)) == len(categories)
    assert set(categories) <= set(CourseCategory)


@pytest.mark.parametrize("folder", COURSES, ids=lambda p: p.name)
def test_each_course_meets_the_rules_in_both_languages(folder: Path) -> None:
    spec = read_course(folder, CONTENT)
    assert spec.title_en and spec.summary_en
    assert len(spec.lessons) >= 5
    for lesson in spec.lessons:
        han = len(HAN.findall(lesson.body_zh))
        assert han >= 600, f"{lesson.slug}: {han} Chinese characters"
        assert lesson.body_en is not None, f"{lesson.slug}: no English version"
        words = len(WORD.findall(lesson.body_en))
        assert words >= 350, f"{lesson.slug}: {words} English words"
        assert "::: dialogue" in lesson.body_zh or "::: example" in lesson.body_zh, lesson.slug
        assert 3 <= len(lesson.check_zh) <= 5
        assert [q["type"] for q in lesson.check_zh] == [q["type"] for q in lesson.check_en]
