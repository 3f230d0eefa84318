"""The Excel template trainers write questions in: one row per question.

Columns: 题型, 分类, 名称, 题干, 选项A…选项H, 答案, 分值, 解析, 标签, 难度.

- 单选 / 多选: options in 选项A…; 答案 is ``B`` or ``A,C``. In a multiple-choice
  question the right options share 100 % and a wrong one costs 100 %, so picking any
  wrong option scores 0 (少选得部分分，错选不得分).
- 判断: 答案 对 / 错 (also 正确, 错误, T, F, √, ×).
- 填空 (short answer): 答案 lists the accepted answers, ``30 秒|30秒|三十秒``.
- 数值: 答案 ``30``, ``30±5`` or ``25~35``.
- 配对: each option is ``item=match``; ``干扰项=match`` is a distractor (a match for no item).
- 排序: the options in their right order.
- 问答 (essay, graded by a trainer): 解析 tells the grader what a good answer holds.
- 说明: text only.

Rows are checked all at once; a problem is reported as ``file:row: reason``.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from lms.exams.formats import (
    FormatError,
    ParsedFile,
    ParsedQuestion,
    default_name,
    join_category_path,
    split_category_path,
)
from lms.exams.question_types import question_type, snap_fraction
from lms.tabular import read_table, write_xlsx

LETTERS = "ABCDEFGH"
TYPE_NAMES = {
    "single_choice": "单选",
    "multiple_choice": "多选",
    "true_false": "判断",
    "short_answer": "填空",
    "numerical": "数值",
    "matching": "配对",
    "ordering": "排序",
    "essay": "问答",
    "description": "说明",
}
TYPE_ALIASES = {
    **{name: kind for kind, name in TYPE_NAMES.items()},
    **{kind: kind for kind in TYPE_NAMES},
    "单选题": "single_choice",
    "多选题": "multiple_choice",
    "判断题": "true_false",
    "填空题": "short_answer",
    "简答": "short_answer",
    "数值题": "numerical",
    "配对题": "matching",
    "排序题": "ordering",
    "问答题": "essay",
}
COLUMNS: dict[str, list[str]] = {
    "type": ["题型", "type"],
    "category": ["分类", "category"],
    "name": ["名称", "题目名称", "name"],
    "text": ["题干", "题目", "stem", "question"],
    **{f"option_{letter}": [f"选项{letter}", f"option {letter}"] for letter in LETTERS},
    "answer": ["答案", "正确答案", "answer"],
    "grade": ["分值", "分数", "score"],
    "feedback": ["解析", "反馈", "feedback"],
    "tags": ["标签", "tags"],
    "difficulty": ["难度", "difficulty"],
}
HEADERS = ["题型", "分类", "名称", "题干", *[f"选项{x}" for x in LETTERS]] + [
    "答案",
    "分值",
    "解析",
    "标签",
    "难度",
]
DIFFICULTY = {
    "易": "easy",
    "中": "medium",
    "难": "hard",
    "easy": "easy",
    "medium": "medium",
    "hard": "hard",
}
DIFFICULTY_NAMES = {"easy": "易", "medium": "中", "hard": "难"}
# Excel reads a cell starting with "=" as a formula, so a distractor gets a word of its own.
DISTRACTOR = {"干扰项", "distractor"}
TRUE = {"对", "正确", "t", "true", "√", "是", "y", "yes"}
FALSE = {"错", "错误", "f", "false", "×", "x", "否", "n", "no"}
_RANGE = re.compile(r"^\s*(-?[\d.]+)\s*(?:~|～|\.\.|-|—)\s*(-?[\d.]+)\s*$")
_TOLERANCE = re.compile(r"^\s*(-?[\d.]+)\s*(?:±|\+-|\+/-)\s*([\d.]+)\s*$")


def _cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key, "")
    return "" if value is None else str(value).strip()


def _letters(answer: str, count: int) -> list[int]:
    picked = [x for x in re.split(r"[\s,，、;；]+", answer.upper()) if x]
    if not picked or any(len(x) != 1 or x not in LETTERS[:count] for x in picked):
        raise ValueError(
            _("the answer must be option letters among A–%(last)s", last=LETTERS[count - 1])
        )
    return sorted({LETTERS.index(x) for x in picked})


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(_("'%(text)s' is not a number", text=text)) from None


def _payload(kind: str, options: list[str], answer: str) -> dict[str, Any]:
    if kind in ("single_choice", "multiple_choice"):
        right = _letters(answer, len(options))
        if kind == "single_choice" and len(right) != 1:
            raise ValueError(_("a single-choice question has exactly one right option"))
        share = snap_fraction(1 / len(right))
        return {
            "choices": [
                {
                    "text": text,
                    "fraction": (1.0 if kind == "single_choice" else share)
                    if i in right
                    else (0.0 if kind == "single_choice" else -1.0),
                    "feedback": "",
                }
                for i, text in enumerate(options)
            ]
        }
    if kind == "true_false":
        said = answer.lower()
        if said not in TRUE | FALSE:
            raise ValueError(_("the answer of a true/false question is 对 or 错"))
        return {"answer": said in TRUE, "feedback_right": "", "feedback_wrong": ""}
    if kind == "short_answer":
        accepted = [a.strip() for a in answer.split("|") if a.strip()]
        return {
            "answers": [{"text": a, "fraction": 1.0, "feedback": ""} for a in accepted],
            "case_sensitive": False,
        }
    if kind == "numerical":
        if match := _TOLERANCE.match(answer):
            value, tolerance = _number(match.group(1)), _number(match.group(2))
        elif match := _RANGE.match(answer):
            low, high = _number(match.group(1)), _number(match.group(2))
            value, tolerance = (low + high) / 2, (high - low) / 2
        else:
            value, tolerance = _number(answer), 0.0
        return {
            "answers": [{"value": value, "tolerance": tolerance, "fraction": 1.0, "feedback": ""}]
        }
    if kind == "matching":
        pairs = []
        for option in options:
            if "=" not in option:
                raise ValueError(_("each option of a matching question is written item=match"))
            left, _sep, right = option.partition("=")
            left = "" if left.strip().lower() in DISTRACTOR else left.strip()
            pairs.append({"question": left, "answer": right.strip()})
        return {"pairs": pairs}
    if kind == "ordering":
        return {"items": options}
    return {}


def read_question_sheet(filename: str, content: bytes) -> ParsedFile:
    """Every row of the template (XLSX or CSV) as a question, or FormatError for every bad row."""
    table = read_table(filename, content, COLUMNS, required=["type", "text"])
    if table.problems:
        raise FormatError(table.problems)
    parsed = ParsedFile()
    problems = []
    for row in table.rows:
        cells = row.cells
        try:
            kind = TYPE_ALIASES.get(_cell(cells, "type")) or TYPE_ALIASES.get(
                _cell(cells, "type").lower()
            )
            if kind is None:
                raise ValueError(
                    _("unknown question type '%(type)s'", type=_cell(cells, "type"))
                    + " ("
                    + "、".join(TYPE_NAMES.values())
                    + ")"
                )
            options = [_cell(cells, f"option_{x}") for x in LETTERS]
            while options and not options[-1]:
                options.pop()
            if "" in options:
                raise ValueError(_("an option is empty between filled ones"))
            payload = _payload(kind, options, _cell(cells, "answer"))
            problems_here = question_type(kind).validate(payload) if payload else []
            if problems_here:
                raise ValueError("; ".join(problems_here))
            grade_text = _cell(cells, "grade")
            grade = _number(grade_text) if grade_text else 1.0
            if grade <= 0 and question_type(kind).has_mark:
                raise ValueError(_("the score must be more than 0"))
            difficulty_text = _cell(cells, "difficulty").lower()
            if difficulty_text and difficulty_text not in DIFFICULTY:
                raise ValueError(_("difficulty is 易, 中 or 难"))
        except ValueError as error:
            problems.append(f"{filename}:{row.line}: {error}")
            continue
        text = _cell(cells, "text")
        tags = [t for t in re.split(r"[,，、;；]\s*", _cell(cells, "tags")) if t]
        if difficulty_text:
            tags.append(DIFFICULTY[difficulty_text])
        category = _cell(cells, "category")
        parsed.questions.append(
            ParsedQuestion(
                line=row.line,
                name=_cell(cells, "name") or default_name(text),
                type=kind,
                text=text,
                text_format="plain",
                payload=payload,
                general_feedback=_cell(cells, "feedback"),
                category=split_category_path(category) if category else None,
                tags=tags,
                default_grade=grade,
                penalty=1.0 if kind == "true_false" else 0.3333333,
            )
        )
    if problems:
        raise FormatError(problems)
    return parsed


def _answer_cells(question: ParsedQuestion) -> tuple[list[str], str]:
    payload, kind = question.payload, question.type
    if kind in ("single_choice", "multiple_choice"):
        options = [c["text"] for c in payload["choices"]]
        right = [LETTERS[i] for i, c in enumerate(payload["choices"]) if c["fraction"] > 0]
        return options, ",".join(right)
    if kind == "true_false":
        return [], "对" if payload["answer"] else "错"
    if kind == "short_answer":
        return [], "|".join(a["text"] for a in payload["answers"] if a["fraction"] > 0)
    if kind == "numerical":
        best = max(payload["answers"], key=lambda a: a["fraction"])
        tolerance = best["tolerance"]
        return [], f"{best['value']:g}±{tolerance:g}" if tolerance else f"{best['value']:g}"
    if kind == "matching":
        return [f"{p['question'] or '干扰项'}={p['answer']}" for p in payload["pairs"]], ""
    if kind == "ordering":
        return list(payload["items"]), ""
    return [], ""


def write_question_sheet(parsed: ParsedFile) -> bytes:
    """The questions as the template, ready to edit and import again.

    The template holds one weight scheme per type, so per-option feedback and
    partial weights are left to GIFT and Moodle XML.
    """
    rows = []
    for question in parsed.questions:
        options, answer = _answer_cells(question)
        difficulty = next((DIFFICULTY_NAMES[t] for t in question.tags if t in DIFFICULTY_NAMES), "")
        tags = [t for t in question.tags if t not in DIFFICULTY_NAMES]
        rows.append(
            [
                TYPE_NAMES[question.type],
                join_category_path(question.category) if question.category else "",
                question.name,
                question.text,
                *(options + [""] * (len(LETTERS) - len(options)))[: len(LETTERS)],
                answer,
                f"{question.default_grade:g}",
                question.general_feedback,
                "、".join(tags),
                difficulty,
            ]
        )
    return write_xlsx(HEADERS, rows, text_columns=range(len(HEADERS)))


def template() -> bytes:
    """The blank template with one example row per type."""
    examples = [
        ["单选", "投诉处理/安抚", "安抚-001", "客户：我等了三天了！\n哪一句最适合作为第一句回应？",
         "非常理解您着急的心情，我马上为您查询", "这不归我们管", "请您再等等", "", "", "", "", "",
         "A", "1", "先处理情绪，再处理事情。", "scenario", "易"],
        ["多选", "信息保护", "保密-001", "哪些信息不能告诉来电者？", "其他客户的地址",
         "完整身份证号", "本人订单的物流状态", "", "", "", "", "", "A,B", "2", "", "", "中"],
        ["判断", "沟通技巧", "时效-001", "电话应在 30 秒内接起。", "", "", "", "", "", "", "", "",
         "对", "1", "", "", "易"],
        ["填空", "沟通技巧", "时效-002", "邮件须在多少分钟内确认收到？", "", "", "", "", "", "",
         "", "", "10 分钟|10分钟|十分钟", "1", "", "", "易"],
        ["数值", "服务质量", "指标-001", "8 个会话中 6 个在 30 秒内回复，30 秒响应率是百分之几？",
         "", "", "", "", "", "", "", "", "75", "1", "6 ÷ 8 = 75%", "", "中"],
        ["配对", "沟通技巧", "时效-003", "为每个渠道选择响应时限。", "电话=30 秒", "邮件=10 分钟",
         "复杂问题=1 分钟内告知预计时间", "干扰项=2 小时", "", "", "", "", "", "1", "", "", "中"],
        ["排序", "投诉处理", "流程-001", "把投诉处理的步骤按顺序排好。", "受理并记录", "分类",
         "调查处理", "反馈改进", "", "", "", "", "", "1", "", "", "易"],
        ["问答", "投诉处理", "案例-001", "写出你对这位客户的第一段回复。", "", "", "", "", "", "",
         "", "", "", "5", "要点：致歉、共情、说明下一步和时间。", "", "难"],
    ]  # fmt: skip
    return write_xlsx(HEADERS, examples, text_columns=range(len(HEADERS)))
