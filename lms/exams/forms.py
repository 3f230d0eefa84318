"""Forms of the question bank: filters, the question editor for every type, import."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DecimalField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.exams.models import Difficulty, QuestionStatus
from lms.forms import NumberRange

TYPE_LABELS = {
    "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"),
    "true_false": _l("True/false"),
    "short_answer": _l("Short answer"),
    "numerical": _l("Numerical"),
    "matching": _l("Matching"),
    "ordering": _l("Ordering"),
    "essay": _l("Essay"),
    "description": _l("Description"),
}
FORMAT_LABELS = [
    SelectChoice("plain", _l("Plain text (客户：/客服： lines become a dialogue)")),
    SelectChoice("markdown", _l("Markdown")),
    SelectChoice("html", _l("HTML")),
    SelectChoice("moodle", _l("Moodle auto-format")),
]
# Moodle's grade options as percentages, for the weight of an option or answer.
WEIGHTS = [100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
           16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0]  # fmt: skip
WEIGHT_CHOICES = [SelectChoice(str(w), f"{w:g} %") for w in WEIGHTS] + [
    SelectChoice(str(-w), f"−{w:g} %") for w in WEIGHTS if w
]
#: Blank rows offered after the filled ones, so an author can add options without script.
SPARE_ROWS = 2


def _category_coerce(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class QuestionFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Search"), render_kw={"placeholder": _l("A word in the name or text, such as 投诉")}
    )
    category = SelectField(_l("Category"), coerce=_category_coerce)
    type = SelectField(
        _l("Type"),
        choices=[SelectChoice("", _l("All types"))]
        + [SelectChoice(k, v) for k, v in TYPE_LABELS.items()],
    )
    tag = SelectField(_l("Tag"))
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("In use (draft and published)"))]
        + [SelectChoice(s.value, s.lazy_label) for s in QuestionStatus],
    )


class ChoiceEntry(Form):
    text = StringField(_l("Option"))
    text_en = StringField(_l("Option (English)"))
    weight = SelectField(_l("Weight"), choices=WEIGHT_CHOICES, default="0")
    feedback = StringField(_l("Feedback"))
    feedback_en = StringField(_l("Feedback (English)"))


class AnswerEntry(Form):
    text = StringField(_l("Accepted answer"))
    weight = SelectField(_l("Weight"), choices=WEIGHT_CHOICES, default="100")
    feedback = StringField(_l("Feedback"))


class NumberEntry(Form):
    value = StringField(_l("Answer (a number, or * for any other)"))
    tolerance = DecimalField(
        _l("± tolerance"), places=None, validators=[Optional(), NumberRange(min=0)]
    )
    weight = SelectField(_l("Weight"), choices=WEIGHT_CHOICES, default="100")
    feedback = StringField(_l("Feedback"))
    feedback_en = StringField(_l("Feedback (English)"))


class PairEntry(Form):
    question = StringField(_l("Item (leave empty for a distractor)"))
    question_en = StringField(_l("Item (English)"))
    answer = StringField(_l("Its match"))
    answer_en = StringField(_l("Its match (English)"))


class ItemEntry(Form):
    text = StringField(_l("Step"))
    text_en = StringField(_l("Step (English)"))


class QuestionForm(FlaskForm):
    """One editor for every type; the template shows the part the type uses."""

    category = SelectField(_l("Category"), coerce=_category_coerce, validators=[InputRequired()])
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=255)],
        description=_l("For trainers: a short code or title, such as CH-004."),
    )
    text = TextAreaField(_l("Question text"), validators=[DataRequired()], render_kw={"rows": 5})
    text_en = TextAreaField(
        _l("Question text (English)"),
        render_kw={"rows": 4},
        description=_l("Shown to learners whose language is English; optional."),
    )
    text_format = SelectField(_l("Text format"), choices=FORMAT_LABELS, default="plain")
    choices = FieldList(FormField(ChoiceEntry), min_entries=0)
    answer = RadioField(
        _l("The statement is"),
        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
        default="true",
    )
    feedback_right = StringField(_l("Feedback for a right answer"))
    feedback_right_en = StringField(_l("Feedback for a right answer (English)"))
    feedback_wrong = StringField(_l("Feedback for a wrong answer"))
    feedback_wrong_en = StringField(_l("Feedback for a wrong answer (English)"))
    answers = FieldList(FormField(AnswerEntry), min_entries=0)
    answers_en = TextAreaField(
        _l("Accepted answers in English, one per line"), render_kw={"rows": 3}
    )
    case_sensitive = BooleanField(_l("Case matters"))
    numbers = FieldList(FormField(NumberEntry), min_entries=0)
    pairs = FieldList(FormField(PairEntry), min_entries=0)
    items = FieldList(FormField(ItemEntry), min_entries=0)
    general_feedback = TextAreaField(
        _l("General feedback"),
        render_kw={"rows": 3},
        description=_l(
            "Shown after the answer, whatever it was; for an essay, what a good answer holds."
        ),
    )
    general_feedback_en = TextAreaField(_l("General feedback (English)"), render_kw={"rows": 2})
    tags = StringField(_l("Tags"), description=_l("Separated by commas, such as scenario, timing."))
    difficulty = SelectField(
        _l("Difficulty"),
        choices=[SelectChoice("", "—")] + [SelectChoice(d.value, d.lazy_label) for d in Difficulty],
        default="",
    )
    default_grade = DecimalField(
        _l("Mark"), places=None, default=1, validators=[InputRequired(), NumberRange(min=0)]
    )
    shuffle = BooleanField(_l("Shuffle the options"), default=True)


class CategoryForm(FlaskForm):
    path = StringField(
        _l("New category"),
        validators=[DataRequired(), Length(max=500)],
        render_kw={"placeholder": _l("A path such as 入职认证/投诉处理")},
    )


class MoveForm(FlaskForm):
    category = SelectField(_l("Move to"), coerce=_category_coerce, validators=[InputRequired()])


class ImportForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("GIFT, Moodle XML, Aiken or the Excel template (.xlsx); up to 20 MB."),
    )
    category = SelectField(
        _l("Category for questions that name none"),
        coerce=_category_coerce,
        validators=[Optional()],
    )
    new_category = StringField(
        _l("Or a new category"), description=_l("A path such as 入职认证/投诉处理.")
    )


# Between the editor and the bank ------------------------------------------------------------


def _weight(value: str) -> float:
    return float(value) / 100


def _filled(*values: Any) -> bool:
    return any(str(v or "").strip() for v in values)


def payload_from(kind: str, form: QuestionForm) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The payload in Chinese and in English from the editor's rows; a row left blank is dropped,
    a row with a weight or feedback but no text gets an error beside its text."""
    has_en = False
    if kind in ("single_choice", "multiple_choice"):
        zh, en = [], []
        for row in form.choices:
            entry = row.form
            if (
                not _filled(entry.text.data, entry.feedback.data, entry.text_en.data)
                and entry.weight.data == "0"
            ):
                continue
            if not _filled(entry.text.data):
                entry.text.errors.append(_l("Write the option, or clear its row."))
            fraction = _weight(entry.weight.data)
            zh.append(
                {
                    "text": (entry.text.data or "").strip(),
                    "fraction": fraction,
                    "feedback": (entry.feedback.data or "").strip(),
                }
            )
            en.append(
                {
                    "text": (entry.text_en.data or "").strip(),
                    "fraction": fraction,
                    "feedback": (entry.feedback_en.data or "").strip(),
                }
            )
            has_en |= _filled(entry.text_en.data)
        return {"choices": zh}, ({"choices": en} if has_en else None)
    if kind == "true_false":
        zh = {
            "answer": form.answer.data == "true",
            "feedback_right": (form.feedback_right.data or "").strip(),
            "feedback_wrong": (form.feedback_wrong.data or "").strip(),
        }
        en = {
            "answer": zh["answer"],
            "feedback_right": (form.feedback_right_en.data or "").strip(),
            "feedback_wrong": (form.feedback_wrong_en.data or "").strip(),
        }
        return zh, (en if _filled(en["feedback_right"], en["feedback_wrong"]) else None)
    if kind == "short_answer":
        rows = []
        for row in form.answers:
            entry = row.form
            if not _filled(entry.text.data, entry.feedback.data):
                continue
            if not _filled(entry.text.data):
                entry.text.errors.append(_l("Write the answer, or clear its row."))
            rows.append(
                {
                    "text": (entry.text.data or "").strip(),
                    "fraction": _weight(entry.weight.data),
                    "feedback": (entry.feedback.data or "").strip(),
                }
            )
        english = [
            line.strip() for line in (form.answers_en.data or "").splitlines() if line.strip()
        ]
        zh = {"answers": rows, "case_sensitive": bool(form.case_sensitive.data)}
        en = {
            "answers": [{"text": t, "fraction": 1.0, "feedback": ""} for t in english],
            "case_sensitive": zh["case_sensitive"],
        }
        return zh, (en if english else None)
    if kind == "numerical":
        zh, en = [], []
        for row in form.numbers:
            entry = row.form
            if not _filled(entry.value.data, entry.feedback.data):
                continue
            text = (entry.value.data or "").strip()
            value: float | None = None
            if text != "*":
                try:
                    value = float(text)
                except ValueError:
                    entry.value.errors.append(_l("Write a number, or * for any other answer."))
            tolerance = float(entry.tolerance.data or 0)
            fraction = _weight(entry.weight.data)
            zh.append(
                {
                    "value": value,
                    "tolerance": tolerance,
                    "fraction": fraction,
                    "feedback": (entry.feedback.data or "").strip(),
                }
            )
            en.append(
                {
                    "value": value,
                    "tolerance": tolerance,
                    "fraction": fraction,
                    "feedback": (entry.feedback_en.data or "").strip(),
                }
            )
            has_en |= _filled(entry.feedback_en.data)
        return {"answers": zh}, ({"answers": en} if has_en else None)
    if kind == "matching":
        zh, en = [], []
        for row in form.pairs:
            entry = row.form
            if not _filled(
                entry.question.data, entry.answer.data, entry.question_en.data, entry.answer_en.data
            ):
                continue
            if not _filled(entry.answer.data):
                entry.answer.errors.append(_l("Write the match, or clear its row."))
            zh.append(
                {
                    "question": (entry.question.data or "").strip(),
                    "answer": (entry.answer.data or "").strip(),
                }
            )
            en.append(
                {
                    "question": (entry.question_en.data or "").strip(),
                    "answer": (entry.answer_en.data or "").strip(),
                }
            )
            has_en |= _filled(entry.answer_en.data)
        return {"pairs": zh}, ({"pairs": en} if has_en else None)
    if kind == "ordering":
        zh_items, en_items = [], []
        for row in form.items:
            entry = row.form
            if not _filled(entry.text.data, entry.text_en.data):
                continue
            if not _filled(entry.text.data):
                entry.text.errors.append(_l("Write the step, or clear its row."))
            zh_items.append((entry.text.data or "").strip())
            en_items.append((entry.text_en.data or "").strip())
            has_en |= _filled(entry.text_en.data)
        return {"items": zh_items}, ({"items": en_items} if has_en else None)
    return {}, None


def row_errors(form: QuestionForm) -> bool:
    """Whether any editor row was given an error by ``payload_from``."""
    return any(
        field.errors
        for rows in (form.choices, form.answers, form.numbers, form.pairs, form.items)
        for row in rows
        for field in row.form
    )


def tags_from(form: QuestionForm) -> list[str]:
    return [t.strip() for t in (form.tags.data or "").replace("，", ",").split(",") if t.strip()]


def fill_rows(
    form: QuestionForm, kind: str, payload: dict[str, Any], payload_en: dict[str, Any] | None
) -> None:
    """Put a version's answers into the editor's rows (on GET)."""
    en = payload_en or {}
    if kind in ("single_choice", "multiple_choice"):
        en_rows = en.get("choices") or []
        for i, choice in enumerate(payload["choices"]):
            other = en_rows[i] if i < len(en_rows) else {}
            form.choices.append_entry(
                {
                    "text": choice["text"],
                    "text_en": other.get("text", ""),
                    "weight": _weight_value(choice["fraction"]),
                    "feedback": choice["feedback"],
                    "feedback_en": other.get("feedback", ""),
                }
            )
    elif kind == "true_false":
        form.answer.data = "true" if payload["answer"] else "false"
        form.feedback_right.data, form.feedback_wrong.data = (
            payload.get("feedback_right", ""),
            payload.get("feedback_wrong", ""),
        )
        form.feedback_right_en.data, form.feedback_wrong_en.data = (
            en.get("feedback_right", ""),
            en.get("feedback_wrong", ""),
        )
    elif kind == "short_answer":
        for answer in payload["answers"]:
            form.answers.append_entry(
                {
                    "text": answer["text"],
                    "weight": _weight_value(answer["fraction"]),
                    "feedback": answer["feedback"],
                }
            )
        form.answers_en.data = "\n".join(a["text"] for a in en.get("answers", []))
        form.case_sensitive.data = bool(payload.get("case_sensitive"))
    elif kind == "numerical":
        en_rows = en.get("answers") or []
        for i, answer in enumerate(payload["answers"]):
            other = en_rows[i] if i < len(en_rows) else {}
            form.numbers.append_entry(
                {
                    "value": "*" if answer["value"] is None else f"{answer['value']:g}",
                    "tolerance": answer["tolerance"],
                    "weight": _weight_value(answer["fraction"]),
                    "feedback": answer["feedback"],
                    "feedback_en": other.get("feedback", ""),
                }
            )
    elif kind == "matching":
        en_rows = en.get("pairs") or []
        for i, pair in enumerate(payload["pairs"]):
            other = en_rows[i] if i < len(en_rows) else {}
            form.pairs.append_entry(
                {
                    "question": pair["question"],
                    "answer": pair["answer"],
                    "question_en": other.get("question", ""),
                    "answer_en": other.get("answer", ""),
                }
            )
    elif kind == "ordering":
        en_items = en.get("items") or []
        for i, item in enumerate(payload["items"]):
            form.items.append_entry(
                {"text": item, "text_en": en_items[i] if i < len(en_items) else ""}
            )


def add_spare_rows(form: QuestionForm, kind: str) -> None:
    rows = {
        "single_choice": form.choices,
        "multiple_choice": form.choices,
        "short_answer": form.answers,
        "numerical": form.numbers,
        "matching": form.pairs,
        "ordering": form.items,
    }.get(kind)
    if rows is None:
        return
    minimum = {"single_choice": 4, "multiple_choice": 4, "matching": 3, "ordering": 4}.get(kind, 1)
    target = max(minimum, len(rows) + SPARE_ROWS)
    while len(rows) < target:
        rows.append_entry()


def _weight_value(fraction: float) -> str:
    percent = round(fraction * 100, 5)
    for choice in WEIGHT_CHOICES:
        if abs(float(choice.value) - percent) < 0.001:
            return choice.value
    return "0"
