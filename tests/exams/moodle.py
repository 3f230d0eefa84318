"""Moodle's own sample files and what Moodle makes of them (../shared/fixtures/moodle)."""

from __future__ import annotations

import json
from pathlib import Path

from lms.exams.formats import ParsedQuestion, split_category_path

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "moodle"
# Moodle's qtype names and ours.
QTYPES = {
    "essay": "essay",
    "match": "matching",
    "numerical": "numerical",
    "shortanswer": "short_answer",
    "truefalse": "true_false",
    "description": "description",
}


def expected(name: str) -> dict:
    return json.loads((FIXTURES / "expected.json").read_text())[name]


def fixture_names(kind: str) -> list[str]:
    return sorted(
        k
        for k, v in json.loads((FIXTURES / "expected.json").read_text()).items()
        if v["format"] == kind
    )


def essence(question: ParsedQuestion) -> tuple:
    """What an export and re-import must keep: text, type, answers, weights, feedback, category."""
    return (
        question.name,
        question.type,
        question.text,
        question.text_format,
        question.payload,
        question.general_feedback,
        question.category,
    )


def assert_matches_moodle(ours: ParsedQuestion, theirs: dict) -> None:
    """``ours`` holds what Moodle's import of the same question holds."""
    where = f"line {theirs['line']} ({theirs['name']})"
    assert ours.line == theirs["line"], where
    assert ours.name == theirs["name"], where
    assert ours.text == theirs["questiontext"], where
    assert ours.text_format == theirs["questiontextformat"], where
    assert ours.general_feedback == theirs["generalfeedback"], where
    category = None if theirs["category"] is None else split_category_path(theirs["category"])
    assert ours.category == category, where
    qtype = theirs["qtype"]
    if qtype == "multichoice":
        assert ours.type == ("single_choice" if theirs["single"] else "multiple_choice"), where
        assert [
            (c["text"], round(c["fraction"], 7), c["feedback"]) for c in ours.payload["choices"]
        ] == [(a["text"], round(a["fraction"], 7), a["feedback"]) for a in theirs["answers"]], where
        return
    assert ours.type == QTYPES[qtype], where
    if qtype == "truefalse":
        assert ours.payload["answer"] is theirs["correctanswer"], where
        # Moodle's feedbacktrue is shown when the learner picks "true".
        right = theirs["correctanswer"]
        assert (
            ours.payload["feedback_right" if right else "feedback_wrong"] == theirs["feedbacktrue"]
        )
        assert (
            ours.payload["feedback_wrong" if right else "feedback_right"] == theirs["feedbackfalse"]
        )
    elif qtype == "shortanswer":
        assert [(a["text"], a["fraction"], a["feedback"]) for a in ours.payload["answers"]] == [
            (a["text"], a["fraction"], a["feedback"]) for a in theirs["answers"]
        ], where
        assert ours.payload["case_sensitive"] is bool(theirs.get("usecase", 0)), where
    elif qtype == "numerical":
        assert [
            (
                "*" if a["value"] is None else round(a["value"], 7),
                round(a["tolerance"], 7),
                a["fraction"],
                a["feedback"],
            )
            for a in ours.payload["answers"]
        ] == [
            (
                "*" if a["text"] == "*" else round(float(a["text"]), 7),
                round(float(a["tolerance"] or 0), 7),
                a["fraction"],
                a["feedback"],
            )
            for a in theirs["answers"]
        ], where
    elif qtype == "match":
        assert [(p["question"], p["answer"]) for p in ours.payload["pairs"]] == [
            (s["text"], s["answer"]) for s in theirs["subquestions"]
        ], where
