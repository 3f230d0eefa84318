"""The seeded courses in content/ meet the length and structure rules, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.courses import services as courses
from lms.courses.content import read_course
from lms.courses.models import CourseCategory

CONTENT = Path(__file__).resolve().parents[2] / "content"
COURSES = sorted(p for p in (CONTENT / "courses").iterdir() if p.is_dir())
HAN = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def test_the_six_core_courses_one_per_category() -> None:
    categories = [read_course(folder, CONTENT).category for folder in COURSES]
    assert sorted(categories) == sorted(CourseCategory)


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


def test_searching_tousu_finds_every_complaint_handling_lesson_first(db_session) -> None:
    courses.sync_content(CONTENT)
    complaint = courses.get_course_by_slug("complaint-handling")
    found = courses.catalogue("投诉")
    lessons = courses.active_lessons(complaint)
    assert [hit.lesson for hit in found.lesson_hits[: len(lessons)]] == lessons
    assert complaint in found.courses


def test_the_catalogue_lists_the_courses_in_curriculum_order(db_session) -> None:
    courses.sync_content(CONTENT)
    found = courses.catalogue()
    assert [c.category for c in found.courses] == list(CourseCategory)
    assert [c.title_zh for c in found.courses][:4] == [
        "服务标准与职业素养",
        "产品与业务知识",
        "沟通技巧",
        "投诉处理",
    ]
