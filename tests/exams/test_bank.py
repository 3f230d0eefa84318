"""The question bank without HTTP: versions, search, all-or-nothing imports, CLI, seeded bank."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.errors import FieldErrors, ImportRejected
from lms.exams.models import Question, QuestionStatus
from lms.exams.services import bank, interchange
from lms.extensions import db
from tests.exams.moodle import FIXTURES, expected, fixture_names

CHOICE = {
    "choices": [
        {"text": "先表达理解", "fraction": 1.0, "feedback": "对：先处理情绪。"},
        {"text": "先解释公司规定", "fraction": 0.0, "feedback": "情绪还没平复。"},
    ]
}


def draft(**changes) -> bank.QuestionDraft:
    values = {
        "category": bank.ensure_category(("投诉处理", "安抚")),
        "type": "single_choice",
        "name": "安抚-001",
        "text": "客户：我等了三天了！\n哪一句最适合作为第一句回应？",
        "payload": CHOICE,
        "tags": ["scenario"],
    }
    values.update(changes)
    return bank.QuestionDraft(**values)


def bank_size() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question)) or 0


def test_editing_a_published_question_makes_version_2_and_keeps_version_1(db_session) -> None:
    question = bank.create_question(draft(), None, QuestionStatus.PUBLISHED)
    first = question.current_version
    changed = {
        "choices": [dict(CHOICE["choices"][0], text="非常理解您着急的心情"), CHOICE["choices"][1]]
    }
    second = bank.revise_question(question, draft(payload=changed), None)
    assert (first.number, second.number) == (1, 2)
    assert question.current_version == second
    assert bank.get_version(question, 1).payload == CHOICE
    assert [v.number for v in bank.versions(question)] == [2, 1]
    diff = bank.version_diff(question, first, second)
    assert any(line.startswith("-") and "先表达理解" in line for line in diff)
    assert any(line.startswith("+") and "非常理解您着急的心情" in line for line in diff)
    # Saving the same content again makes no version.
    assert bank.revise_question(question, draft(payload=changed), None) == second


def test_a_draft_is_edited_in_place(db_session) -> None:
    question = bank.create_question(draft(), None)
    version = bank.revise_question(question, draft(text="改过的题干"), None)
    assert version.number == 1 and version.text == "改过的题干"


def test_an_unusable_question_is_refused_beside_its_field(db_session) -> None:
    bad = {"choices": [{"text": "", "fraction": 1.0, "feedback": ""}, CHOICE["choices"][1]]}
    with pytest.raises(FieldErrors) as refused:
        bank.create_question(draft(payload=bad, name=" "), None)
    fields = [field for field, _message in refused.value.pairs]
    assert fields == ["name", "answers"]


def test_search_finds_chinese_words_and_filters(db_session) -> None:
    calming = bank.create_question(draft(), None, QuestionStatus.PUBLISHED)
    other = bank.create_question(
        draft(
            name="保密-001",
            category=bank.ensure_category(("信息保护",)),
            text="可以告诉来电者其他客户的地址吗？",
            type="true_false",
            payload={"answer": False, "feedback_right": "", "feedback_wrong": ""},
            tags=[],
        ),
        None,
    )
    found, total = bank.search_questions(bank.QuestionFilter(text="三天"))
    assert total == 1 and found[0].current_version.name == "安抚-001"
    complaints = bank.ensure_category(("投诉处理",))
    found, _total = bank.search_questions(bank.QuestionFilter(category_id=complaints.id))
    assert found == [calming]  # it sits in the subcategory 投诉处理/安抚
    direct = bank.QuestionFilter(category_id=complaints.id, with_subcategories=False)
    assert bank.search_questions(direct)[1] == 0
    assert bank.search_questions(bank.QuestionFilter(type="true_false"))[0] == [other]
    assert bank.search_questions(bank.QuestionFilter(tag="scenario"))[1] == 1
    bank.set_status(other, QuestionStatus.RETIRED)
    assert bank.search_questions(bank.QuestionFilter(type="true_false"))[1] == 0


BROKEN = "\n".join(
    ["// 第 1 行是注释"]
    + [f"::ok-{n}::好的题目 {n}{{T}}\n" for n in range(1, 7)]
    + ["::broken::答案没有闭合 {=对 ~错"]  # line 14
    + ["", *[f"::more-{n}::题目 {{F}}\n" for n in range(1, 8)]]
    + ["::cloze::嵌入式 {1:SHORTANSWER:=甲}"]  # line 30
)


def test_a_file_with_two_bad_questions_is_refused_whole(db_session, tmp_path: Path) -> None:
    assert BROKEN.splitlines()[13].startswith("::broken::")
    assert BROKEN.splitlines()[29].startswith("::cloze::")
    with pytest.raises(ImportRejected) as refused:
        interchange.import_questions("bad.gift", BROKEN.encode(), ("导入",), None)
    assert [p.split(": ")[0] for p in refused.value.problems] == ["bad.gift:14", "bad.gift:30"]
    assert bank_size() == 0


def test_cli_reports_each_bad_line_and_leaves_the_bank_unchanged(cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.gift"
    path.write_text(BROKEN, encoding="utf-8")
    before = bank_size()
    result = cli.invoke(args=["questions", "import", str(path), "--category", "导入"])
    assert result.exit_code == 1
    assert f"{path}:14: " in result.output and f"{path}:30: " in result.output
    assert bank_size() == before


@pytest.mark.parametrize("name", fixture_names("gift") + fixture_names("xml"))
def test_cli_imports_each_moodle_fixture_with_moodle_counts(cli, name: str) -> None:
    theirs = expected(name)
    before = bank_size()
    result = cli.invoke(args=["questions", "import", str(FIXTURES / name), "--category", "Moodle"])
    if theirs["moodle_outcome"] == "rejected":
        assert result.exit_code == 1 and f"{name}:38: " in result.output
        assert bank_size() == before
        return
    assert result.exit_code == 0, result.output
    assert (
        f"imported {theirs['question_count']} questions" in result.output
        or f"导入 {theirs['question_count']} " in result.output
    )
    assert bank_size() - before == theirs["question_count"]


def test_export_then_import_through_the_bank(db_session) -> None:
    interchange.import_questions(
        "examples.txt", (FIXTURES / "gift/examples.txt").read_bytes(), ("样例",), None
    )
    for fmt in ("gift", "xml"):
        export = interchange.export_questions(fmt)
        preview = interchange.preview_import(f"again.{fmt}", export.data)
        assert preview.total == export.count == 43
        assert preview.by_category == {"样例": 43}


EN_HEAD = (
    "$CATEGORY: Complaint handling\n\n::CH-001::Within how many working days is a complaint closed?"
)


def test_the_seeded_bank_syncs_idempotently_and_retires_what_goes(
    db_session, tmp_path: Path
) -> None:
    folder = tmp_path / "questions"
    folder.mkdir()
    (folder / "demo.gift").write_text(
        "$CATEGORY: 投诉处理\n\n::CH-001::投诉须在几个工作日内闭环？{#3}\n\n"
        "::CH-002::回访要在 24 小时内。{T}\n",
        encoding="utf-8",
    )
    (folder / "demo.en.gift").write_text(
        f"{EN_HEAD}{{#3}}\n\n::CH-002::The survey is within 24 hours.{{T}}\n",
        encoding="utf-8",
    )
    first = interchange.sync_question_bank(folder)
    assert (first.created, first.problems) == (2, [])
    again = interchange.sync_question_bank(folder)
    assert (again.changed, again.unchanged) == (False, 2)
    question = db.session.scalar(sa.select(Question).where(Question.source_key == "content:CH-001"))
    assert question.current_version.text_en.startswith("Within how many")
    assert question.category.name_en == "Complaint handling"
    (folder / "demo.gift").write_text(
        "$CATEGORY: 投诉处理\n\n::CH-001::投诉须在几个工作日内处理完毕？{#3}\n", encoding="utf-8"
    )
    (folder / "demo.en.gift").write_text(
        f"{EN_HEAD}{{#3}}\n",
        encoding="utf-8",
    )
    third = interchange.sync_question_bank(folder)
    assert (third.updated, third.retired) == (1, 1)
    assert question.current_version.number == 2
    (folder / "demo.en.gift").write_text(
        "$CATEGORY: Complaint handling\n\n::CH-001::Within?{T}\n", encoding="utf-8"
    )
    broken = interchange.sync_question_bank(folder)
    assert broken.problems and "CH-001" in broken.problems[0] and not broken.changed


def test_the_preview_refuses_what_the_bank_would_on_its_line(db_session) -> None:
    # A GIFT title with nothing after it parses as a description with no text: the bank
    # refuses it, so the preview must, by line, before the trainer is asked to confirm.
    data = "::Q1::电话应在 30 秒内接起。{T}\n\n::空::\n".encode()
    with pytest.raises(ImportRejected) as refused:
        interchange.preview_import("bank.gift", data, ("导入",))
    assert [p.split(": ", 1)[0] for p in refused.value.problems] == ["bank.gift:3"]
    assert bank_size() == 0


def test_the_excel_template_imports_and_exports(db_session) -> None:
    from lms.exams.formats.spreadsheet import template

    created = interchange.import_questions("template.xlsx", template(), ("模板",), None)
    assert len(created) == 8
    export = interchange.export_questions("xlsx")
    assert interchange.preview_import("again.xlsx", export.data).total == 8


def test_cli_dry_run_writes_nothing_and_export_writes_a_file(cli, tmp_path: Path) -> None:
    path = tmp_path / "ok.gift"
    path.write_text(
        "::Q1::电话应在 30 秒内接起。{T}\n\n::Q2::回访时限？{=24 小时}\n", encoding="utf-8"
    )
    before = bank_size()
    dry = cli.invoke(args=["questions", "import", str(path), "--category", "演练", "--dry-run"])
    assert dry.exit_code == 0 and bank_size() == before
    assert cli.invoke(args=["questions", "import", str(path), "--category", "演练"]).exit_code == 0
    out = tmp_path / "out.xml"
    result = cli.invoke(
        args=["questions", "export", "--format", "xml", "--category", "演练", str(out)]
    )
    assert result.exit_code == 0
    assert len(interchange.read_question_file("out.xml", out.read_bytes()).questions) == 2
