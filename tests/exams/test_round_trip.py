"""Export then import gives the same questions, in GIFT and in Moodle XML (property tests)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.exams.formats import ParsedFile, ParsedQuestion
from lms.exams.formats.gift import read_gift, write_gift
from lms.exams.formats.moodle_xml import read_moodle_xml, write_moodle_xml
from tests.exams.moodle import essence

# Text full of GIFT's specials, Chinese, full-width forms and line breaks; no control,
# surrogate, private-use or unassigned characters (which no editor produces and XML forbids).
SPECIALS = "~=#{}:\\%[]->*/ \n"
_chars = st.one_of(
    st.sampled_from(SPECIALS),
    st.sampled_from("客户服务投诉处理：，。？！＝＃ＡＢＣ１２３"),
    st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn")),
)


def _text(min_size: int = 1, arrow: bool = True) -> st.SearchStrategy[str]:
    text = st.text(_chars, min_size=min_size, max_size=30).map(str.strip)
    if min_size:
        text = text.filter(bool)
    return text if arrow else text.filter(lambda t: "->" not in t)


feedback = _text(0)
MULTI_WEIGHTS = [[1.0], [0.5, 0.5], [0.3333333] * 3, [0.25] * 4, [0.75, 0.25]]
PENALTIES = [0.0, -0.5, -1.0, -0.3333333, -0.1]


@st.composite
def choices(draw, single: bool) -> dict:
    if single:
        right = [1.0]
        others = draw(
            st.lists(st.sampled_from([0.0, 0.5, -0.5, 0.25, 1.0, -1.0]), min_size=1, max_size=4)
        )
    else:
        right = draw(st.sampled_from(MULTI_WEIGHTS))
        others = draw(st.lists(st.sampled_from(PENALTIES), min_size=1, max_size=3))
    fractions = draw(st.permutations(right + others))
    return {
        "choices": [
            {"text": draw(_text()), "fraction": f, "feedback": draw(feedback)} for f in fractions
        ]
    }


@st.composite
def payloads(draw, kind: str, xml: bool) -> dict:
    if kind in ("single_choice", "multiple_choice"):
        return draw(choices(kind == "single_choice"))
    if kind == "true_false":
        return {
            "answer": draw(st.booleans()),
            "feedback_right": draw(feedback),
            "feedback_wrong": draw(feedback),
        }
    if kind == "short_answer":
        fractions = [1.0] + draw(st.lists(st.sampled_from([0.5, 0.0, 0.9, 1.0]), max_size=3))
        return {
            "answers": [
                {
                    "text": draw(_text(arrow=xml)),
                    "fraction": f,
                    "feedback": draw(_text(0, arrow=xml)),
                }
                for f in fractions
            ],
            "case_sensitive": draw(st.booleans()) if xml else False,
        }
    if kind == "numerical":
        number = st.floats(
            allow_nan=False, allow_infinity=False, width=64, min_value=-1e9, max_value=1e9
        )
        rows = [
            {
                "value": draw(number),
                "tolerance": draw(st.floats(0, 100)),
                "fraction": f,
                "feedback": draw(feedback),
            }
            for f in [1.0] + draw(st.lists(st.sampled_from([0.5, 0.1]), max_size=2))
        ]
        if draw(st.booleans()):
            rows.append(
                {"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": draw(feedback)}
            )
        return {"answers": rows}
    if kind == "matching":
        pairs = [
            {"question": draw(_text(arrow=xml)), "answer": draw(_text())}
            for _ in range(draw(st.integers(2, 4)))
        ]
        if draw(st.booleans()):
            pairs.append({"question": "", "answer": draw(_text())})
        return {"pairs": pairs}
    if kind == "ordering":
        return {"items": draw(st.lists(_text(), min_size=2, max_size=5, unique=True))}
    return {}


GIFT_TYPES = [
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "essay",
    "description",
]


@st.composite
def questions(draw, xml: bool) -> ParsedQuestion:
    kind = draw(st.sampled_from(GIFT_TYPES + (["ordering"] if xml else [])))
    category = draw(
        st.one_of(
            st.none(),
            st.lists(
                _text().filter(lambda t: "/" not in t and "\n" not in t), min_size=1, max_size=3
            ).map(tuple),
        )
    )
    return ParsedQuestion(
        line=0,
        name=draw(_text()),
        type=kind,
        text=draw(_text()),
        text_format=draw(st.sampled_from(["moodle", "html", "plain", "markdown"])),
        payload=draw(payloads(kind, xml)),
        general_feedback="" if kind == "description" else draw(feedback),
        category=category,
    )


def _same(original: list[ParsedQuestion], again: list[ParsedQuestion]) -> None:
    # A question without a category goes where the one before it went.
    current = None
    for question in original:
        current = question.category if question.category is not None else current
        question.category = current
    assert [essence(q) for q in again] == [essence(q) for q in original]


ROUND_TRIP = settings(
    max_examples=500, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@ROUND_TRIP
@given(st.lists(questions(xml=False), min_size=1, max_size=4))
def test_gift_export_then_import_is_identical(generated: list[ParsedQuestion]) -> None:
    text = write_gift(ParsedFile(questions=generated))
    _same(generated, read_gift(text, "round.gift").questions)


@ROUND_TRIP
@given(st.lists(questions(xml=True), min_size=1, max_size=4))
def test_moodle_xml_export_then_import_is_identical(generated: list[ParsedQuestion]) -> None:
    data = write_moodle_xml(ParsedFile(questions=generated))
    _same(generated, read_moodle_xml(data, "round.xml").questions)
