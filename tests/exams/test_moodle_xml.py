"""The Moodle XML reader against Moodle's own sample files, and writing Moodle XML back."""

from __future__ import annotations

import base64

import pytest

from lms.exams.formats import FormatError
from lms.exams.formats.moodle_xml import read_moodle_xml, write_moodle_xml
from tests.exams.moodle import FIXTURES, assert_matches_moodle, essence, expected, fixture_names

IMPORTED = [n for n in fixture_names("xml") if expected(n)["moodle_outcome"] == "imported"]
REJECTED = [n for n in fixture_names("xml") if expected(n)["moodle_outcome"] == "rejected"]


@pytest.mark.parametrize("name", IMPORTED)
def test_moodle_sample_files_read_as_moodle_reads_them(name: str) -> None:
    theirs = expected(name)
    parsed = read_moodle_xml((FIXTURES / name).read_bytes(), name)
    assert len(parsed.questions) == theirs["question_count"]
    assert [(c.line, c.path, c.info) for c in parsed.categories] == [
        (c["line"], tuple(c["names"]), c["info"]) for c in theirs["categories"]
    ]
    for ours, row in zip(parsed.questions, theirs["questions"], strict=True):
        assert_matches_moodle(ours, row)


@pytest.mark.parametrize("name", REJECTED)
def test_files_moodle_rejects_are_rejected_with_the_line(name: str) -> None:
    with pytest.raises(FormatError) as refused:
        read_moodle_xml((FIXTURES / name).read_bytes(), name)
    lines = [int(p.split(":")[1]) for p in refused.value.problems]
    assert lines == [e["line"] for e in expected(name)["errors"]]
    assert "grade options" in refused.value.problems[0]


@pytest.mark.parametrize("name", IMPORTED)
def test_moodle_samples_write_back_to_the_same_questions(name: str) -> None:
    parsed = read_moodle_xml((FIXTURES / name).read_bytes(), name)
    again = read_moodle_xml(write_moodle_xml(parsed), "again.xml")
    assert [essence(q) for q in again.questions] == [essence(q) for q in parsed.questions]


PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_embedded_images_are_read_and_written() -> None:
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>图片题</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>图中是标准工位吗？<img src="@@PLUGINFILE@@/desk.png"></p>]]></text>
      <file name="desk.png" path="/" encoding="base64">{base64.b64encode(PIXEL).decode()}</file>
    </questiontext>
    <answer fraction="100"><text>true</text><feedback><text>对</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>错</text></feedback></answer>
  </question>
</quiz>""".encode()
    [question] = read_moodle_xml(data, "img.xml").questions
    assert question.files == {"desk.png": PIXEL}
    assert "@@PLUGINFILE@@/desk.png" in question.text
    assert question.payload == {"answer": True, "feedback_right": "对", "feedback_wrong": "错"}
    [again] = read_moodle_xml(
        write_moodle_xml(type("F", (), {"questions": [question]})()), "x"
    ).questions
    assert again.files == {"desk.png": PIXEL}


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"<quiz><question type='multichoice'>", 1, "well-formed"),
        (b"<?xml version='1.0'?>\n<!DOCTYPE quiz [<!ENTITY a 'b'>]>\n<quiz/>", 1, "DTD"),
        (b"<questions/>", 1, "<quiz>"),
        (
            b"<quiz>\n<question type='calculated'><name><text>x</text></name></question></quiz>",
            2,
            "calculated",
        ),
        (b"<quiz>\n\n<question type='multianswer'/></quiz>", 3, "multianswer"),
    ],
)
def test_bad_files_are_named_by_line(data: bytes, line: int, reason: str) -> None:
    with pytest.raises(FormatError) as refused:
        read_moodle_xml(data, "bad.xml")
    assert refused.value.problems[0].startswith(f"bad.xml:{line}: ")
    assert reason in refused.value.problems[0]
