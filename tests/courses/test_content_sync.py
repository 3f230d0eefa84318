"""`flask content sync`: idempotent, keeps progress, refuses malformed files by line."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.courses import services
from lms.courses.content import ContentProblems, read_course
from lms.courses.models import Lesson, LessonProgress
from lms.database import utcnow
from tests.courses.conftest import CHECK, COURSE_YAML, lesson


def test_a_course_is_read_with_its_lessons_and_checks(content: Path) -> None:
    spec = read_course(content / "courses" / "complaint-handling", content)
    assert spec.title_en == "Complaint handling"
    assert str(spec.credit_hours) == "2.5"
    assert [lesson.slug for lesson in spec.lessons] == ["what-a-complaint-is", "the-process"]
    first = spec.lessons[0]
    assert first.title_en == "What a complaint is"
    assert [q["type"] for q in first.check_zh] == ["single_choice", "true_false", "multiple_choice"]
    assert "```gift" not in first.body_zh
    assert spec.lessons[1].body_en is None  # falls back to Chinese


def test_sync_twice_changes_nothing_the_second_time(db_session, content: Path) -> None:
    first = services.sync_content(content)
    assert first.created == ["complaint-handling"]
    second = services.sync_content(content)
    assert not second.changed
    assert second.unchanged == ["complaint-handling"]


def test_editing_a_lesson_keeps_learners_progress(db_session, content: Path, create_user) -> None:
    services.sync_content(content)
    course = services.get_course_by_slug("complaint-handling")
    lesson_row = services.active_lessons(course)[0]
    learner = create_user()
    db_session.add(LessonProgress(user_id=learner.id, lesson_id=lesson_row.id, done_at=utcnow()))
    db_session.flush()

    path = content / "courses" / "complaint-handling" / "lessons" / "01-what-a-complaint-is.md"
    path.write_text(lesson("什么是投诉（修订）"))
    report = services.sync_content(content)
    assert report.updated == ["complaint-handling"]
    db_session.refresh(lesson_row)
    assert lesson_row.title_zh == "什么是投诉（修订）"
    progress = db_session.scalar(
        sa.select(LessonProgress).where(LessonProgress.user_id == learner.id)
    )
    assert progress.lesson_id == lesson_row.id and progress.done_at is not None


def test_removed_lessons_and_courses_are_retired_not_deleted(db_session, content: Path) -> None:
    services.sync_content(content)
    yaml_path = content / "courses" / "complaint-handling" / "course.yaml"
    yaml_path.write_text(COURSE_YAML.replace("  - 02-the-process\n", ""))
    services.sync_content(content)
    lessons = db_session.scalars(sa.select(Lesson).order_by(Lesson.position)).all()
    assert [(lesson.slug, lesson.is_retired) for lesson in lessons] == [
        ("what-a-complaint-is", False),
        ("the-process", True),
    ]
    (content / "courses" / "complaint-handling").rename(content / "old")
    report = services.sync_content(content)
    assert report.retired == ["complaint-handling"]
    assert services.get_course_by_slug("complaint-handling").is_retired


def test_broken_front_matter_is_reported_by_line_and_the_course_is_left_alone(
    db_session, content: Path
) -> None:
    services.sync_content(content)
    path = content / "courses" / "complaint-handling" / "lessons" / "02-the-process.md"
    path.write_text("---\ntitle: 流程\nminutes: [10\n---\n正文\n" + CHECK)
    yaml_path = content / "courses" / "complaint-handling" / "course.yaml"
    yaml_path.write_text(COURSE_YAML.replace("hours: 2.5", "hours: 3"))
    report = services.sync_content(content)
    assert not report.changed
    [problem] = report.problems
    # Line 3 opens the bracket that is never closed.
    assert problem.startswith("content/courses/complaint-handling/lessons/02-the-process.md:3: ")
    assert "YAML" in problem
    assert str(services.get_course_by_slug("complaint-handling").credit_hours) == "2.5"


@pytest.mark.parametrize(
    ("relative", "text", "expected"),
    [
        (
            "lessons/02-the-process.md",
            "---\ntitle: 流程\nminutes: 10\ncolour: red\n---\n" + CHECK,
            "lessons/02-the-process.md:4: unknown field 'colour'",
        ),
        (
            "lessons/02-the-process.md",
            "---\nminutes: 10\n---\n" + CHECK,
            "lessons/02-the-process.md:2: the title is missing",
        ),
        (
            "lessons/02-the-process.md",
            "没有 front matter\n" + CHECK,
            "lessons/02-the-process.md:1: ",
        ),
        (
            "lessons/02-the-process.md",
            "---\ntitle: 流程\nminutes: 10\n---\n正文\n```gift\n::Q:: 问题 {=a ~b\n```\n",
            "lessons/02-the-process.md:7: the answers are not enclosed in a matching",
        ),
        (
            "lessons/02-the-process.md",
            "---\ntitle: 流程\nminutes: 10\n---\n正文\n",
            "lessons/02-the-process.md:5: a lesson needs exactly one",
        ),
        (
            "course.yaml",
            COURSE_YAML.replace("category: complaint-handling", "category: gossip"),
            "course.yaml:7: unknown category 'gossip'",
        ),
        (
            "course.yaml",
            COURSE_YAML.replace("  - 02-the-process", "  - 02-missing"),
            "course.yaml:13: lessons/02-missing.md does not exist",
        ),
        ("course.yaml", COURSE_YAML + "teacher: 陈静\n", "course.yaml:14: unknown field 'teacher'"),
    ],
)
def test_malformed_files_name_their_line(
    content: Path, relative: str, text: str, expected: str
) -> None:
    (content / "courses" / "complaint-handling" / relative).write_text(text)
    with pytest.raises(ContentProblems) as refused:
        read_course(content / "courses" / "complaint-handling", content)
    assert any(
        p.startswith(f"content/courses/complaint-handling/{expected}")
        for p in refused.value.problems
    ), refused.value.problems


def test_cli_says_when_nothing_changed_and_exits_1_on_problems(cli, content: Path) -> None:
    first = cli.invoke(args=["content", "sync", "--path", str(content)])
    assert first.exit_code == 0, first.output
    assert "complaint-handling" in first.output
    second = cli.invoke(args=["content", "sync", "--path", str(content)])
    assert second.exit_code == 0
    assert "1" in second.output and "complaint-handling" not in second.output
    (content / "courses" / "complaint-handling" / "course.yaml").write_text("title: [\n")
    broken = cli.invoke(args=["content", "sync", "--path", str(content)])
    assert broken.exit_code == 1
    assert "content/courses/complaint-handling/course.yaml:" in broken.output


def test_content_sync_loads_the_career_ladder_once(cli) -> None:
    first = cli.invoke(args=["content", "sync"])
    assert first.exit_code == 0, first.output
    assert "junior-to-mid" in first.output and "mid-to-senior" in first.output
    again = cli.invoke(args=["content", "sync"])
    assert again.exit_code == 0, again.output
    assert "junior-to-mid" not in again.output
