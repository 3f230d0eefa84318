"""Promotion rules as data: loading content/career, versions, HR's edits, the version in force."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from lms.accounts.models import Level
from lms.career import services as career
from lms.career.conditions import AgentFacts
from lms.career.errors import RuleRefused
from lms.career.models.rules import RuleSource

CONTENT = Path(__file__).resolve().parents[2] / "content" / "career"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "career"
    shutil.copytree(CONTENT, target)
    return target


def test_the_seeded_content_loads_and_a_second_sync_changes_nothing(db_session, folder) -> None:
    first = career.sync_career(folder)
    assert first.problems == []
    assert sorted(first.created) == [
        "junior-to-mid",
        "level junior",
        "level mid",
        "level senior",
        "mid-to-senior",
    ]
    assert [p.title_zh for p in career.level_profiles()] == [
        "初级客户服务专员",
        "中级客户服务专员",
        "高级客户服务专员",
    ]
    again = career.sync_career(folder)
    assert not again.changed and len(again.unchanged) == 5
    [version] = career.rule_versions("junior")
    assert version.number == 1 and version.source is RuleSource.CONTENT
    assert version.to_level is Level.MID


def test_a_changed_file_is_a_new_version_and_comments_are_not_a_change(db_session, folder) -> None:
    career.sync_career(folder)
    path = folder / "rules" / "junior-to-mid.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text("# a new comment\n" + text, encoding="utf-8")
    assert not career.sync_career(folder).changed
    path.write_text(
        text.replace("effective_from: 2026-01-01", "effective_from: 2027-01-01").replace(
            "hours: 24", "hours: 30"
        ),
        encoding="utf-8",
    )
    report = career.sync_career(folder)
    assert report.new_versions == ["junior-to-mid v2"]
    newest, oldest = career.rule_versions("junior")
    assert (newest.number, newest.effective_from) == (2, date(2027, 1, 1))
    hours = next(c for c in newest.conditions if c["kind"] == "training_hours")
    assert hours["hours"] == "30"
    assert next(c for c in oldest.conditions if c["kind"] == "training_hours")["hours"] == "24"


def test_a_malformed_file_is_reported_by_line_and_nothing_of_it_loads(db_session, folder) -> None:
    path = folder / "rules" / "junior-to-mid.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    months_line = next(i for i, line in enumerate(lines) if "months: 12" in line)
    lines[months_line] = lines[months_line].replace("12", "0")
    exam_line = next(i for i, line in enumerate(lines) if line.strip().startswith("exam:"))
    lines[exam_line] = lines[exam_line].replace("exam:", "examm:")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = career.sync_career(folder)

    assert report.problems[0].startswith(f"career/rules/junior-to-mid.yaml:{months_line + 1}: ")
    assert any(
        p.startswith(f"career/rules/junior-to-mid.yaml:{exam_line + 1}: ") for p in report.problems
    )
    assert career.rule_versions("junior") == []
    assert len(career.rule_versions("mid")) == 1  # the other file still loads


def test_a_yaml_error_is_reported_with_its_line(db_session, folder) -> None:
    (folder / "rules" / "mid-to-senior.yaml").write_text(
        "from: mid\nto: senior\nconditions: [\n", encoding="utf-8"
    )
    report = career.sync_career(folder)
    assert report.problems == [
        p for p in report.problems if p.startswith("career/rules/mid-to-senior.yaml:")
    ]
    assert ": YAML: " in report.problems[0]
    assert career.rule_versions("mid") == []


def test_a_rule_change_takes_effect_on_its_date(db_session, folder, app) -> None:
    career.sync_career(folder)
    career.save_rule_version(
        "junior",
        [{"kind": "months_at_level", "months": 6}],
        date(2027, 3, 1),
        "Six months are enough from March.",
        by_id=None,
    )
    agent = AgentFacts(user_id=1, level="junior", level_since=date(2026, 6, 1))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        before = career.evaluate(
            agent, career.rule_in_force("junior", date(2027, 2, 28)), date(2027, 2, 28)
        )
        on = career.evaluate(
            agent, career.rule_in_force("junior", date(2027, 3, 1)), date(2027, 3, 1)
        )
        after = career.rule_in_force(Level.JUNIOR, date(2028, 1, 1))
    assert before.rule_version_number == 1 and not before.eligible
    assert on.rule_version_number == 2 and on.eligible
    assert [r.kind for r in on.results] == ["months_at_level"]
    assert after is not None and after.number == 2 and after.source is RuleSource.HR
    assert career.rule_in_force("junior", date(2025, 12, 31)) is None
    assert career.rules_in_force(date(2027, 3, 1))[Level.JUNIOR].number == 2


def test_hr_edits_are_checked_by_kind_and_may_not_predate_the_latest_version(
    db_session, folder, app
) -> None:
    career.sync_career(folder)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(RuleRefused) as refused:
            career.save_rule_version(
                "junior",
                [{"kind": "training_hours", "hours": -1, "months": 12}],
                date(2025, 12, 31),
                "",
                by_id=None,
            )
        with pytest.raises(RuleRefused) as top:
            career.save_rule_version("senior", [], date(2027, 1, 1), "", by_id=None)
    assert [field for field, _m in refused.value.pairs] == ["conditions-0-hours", "effective_from"]
    assert "2026-01-01" in refused.value.pairs[1][1]
    assert top.value.pairs[0][0] == "from_level"
    assert len(career.rule_versions("junior")) == 1


def test_an_unchanged_file_leaves_hrs_later_version_in_force(db_session, folder) -> None:
    career.sync_career(folder)
    career.save_rule_version(
        "mid", [{"kind": "months_at_level", "months": 36}], date(2026, 6, 1), "", by_id=None
    )
    assert not career.sync_career(folder).changed
    assert career.rule_in_force("mid", date(2026, 7, 1)).number == 2
