"""Reading spreadsheets people upload: CSV in any encoding Excel writes, and XLSX.

Every importer (users, KPIs, ...) reads through here so that encodings, header
aliases and line numbers behave the same everywhere. This module knows nothing
of what the columns mean; the area's service validates the values.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from lms.database import holds_nul

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
MAX_UNPACKED_XLSX = 200 * 1024 * 1024


@dataclass
class Row:
    """One data row: its line in the file as a spreadsheet shows it, and its cells by column key."""

    line: int
    cells: dict[str, Any] = field(default_factory=dict)


@dataclass
class Table:
    rows: list[Row]
    problems: list[str]


def decode_text(content: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030.

    Chinese Excel saves "CSV" in the system code page (GBK, a subset of
    GB18030); UTF-8 is tried first because GBK decoding almost never fails and
    would garble UTF-8 text silently.
    """
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("gb18030")


def _cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value  # the caller knows the column is a date
    return str(value).strip()


def _csv_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for values in reader:
        yield line, values
        line = reader.line_num + 1


def _xlsx_rows(content: bytes) -> Iterable[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def _unpacked_size(content: bytes) -> int:
    """What the parts of a zip add up to unpacked, as its directory says (0 if it has none)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return 0  # not a readable zip: _read_xlsx says so


def _read_xlsx(content: bytes) -> list[tuple[int, list[Any]]]:
    """The rows of an XLSX file; ValueError when it is not a workbook openpyxl can read.

    A damaged or hand-made zip fails deep inside zipfile, zlib, the XML parser or openpyxl
    itself, each with its own exception (ParseError, zlib.error, IndexError for a workbook
    without sheets, TypeError...). Whatever it is, the upload is unreadable, which is the
    uploader's problem to fix, not a server error.
    """
    try:
        return list(_xlsx_rows(content))
    except Exception as error:
        raise ValueError("unreadable XLSX") from error


def read_table(
    filename: str,
    content: bytes,
    columns: Mapping[str, Iterable[str]],
    required: Iterable[str],
) -> Table:
    """Read ``content`` (CSV or XLSX, told apart by its bytes, not its name) into rows.

    ``columns`` maps each column key to the header spellings accepted for it
    (compared case-insensitively). Problems are ``file:line: reason`` strings;
    the header line is line 1. Blank rows are skipped.
    """
    aliases = {
        alias.strip().lower(): key for key, names in columns.items() for alias in [key, *names]
    }
    problems: list[str] = []

    def problem(line: int, reason: str) -> None:
        problems.append(f"{filename}:{line}: {reason}")

    try:
        if content.startswith(OLE_MAGIC):
            problem(1, _("this is an old .xls workbook; save it as .xlsx or CSV and try again"))
            return Table([], problems)
        if content.startswith(XLSX_MAGIC):
            if _unpacked_size(content) > MAX_UNPACKED_XLSX:
                # A zip bomb: a few MB that unpack to gigabytes of sheet XML.
                problem(
                    1, _("the workbook unpacks to more than 200 MB; split it into smaller files")
                )
                return Table([], problems)
            raw_rows = _read_xlsx(content)
        else:
            raw_rows = list(_csv_rows(decode_text(content)))
    except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, KeyError, ValueError, OSError):
        problem(1, _("the file cannot be read as CSV (UTF-8 or GBK) or XLSX"))
        return Table([], problems)

    raw_rows = [(n, [_cell_text(v) for v in values]) for n, values in raw_rows]
    raw_rows = [(n, values) for n, values in raw_rows if any(v != "" for v in values)]
    # No text may hold a NUL (PostgreSQL refuses it even in a lookup); a file with one is
    # usually not the CSV it claims to be (a binary file, UTF-16 read as something else).
    for line in [n for n, values in raw_rows if holds_nul(values)][:20]:
        problem(line, _("this line holds a NUL character; is this the right file?"))
    if problems:
        return Table([], problems)
    if not raw_rows:
        problem(1, _("the file is empty"))
        return Table([], problems)

    header_line, header = raw_rows[0]
    keys: list[str | None] = []
    for title in header:
        title_text = str(title).strip().lstrip("\ufeff")
        key = aliases.get(title_text.lower())
        if title_text and key is None:
            problem(header_line, _('unknown column "%(name)s"', name=title_text))
        keys.append(key)
    missing = [key for key in required if key not in keys]
    for key in missing:
        problem(
            header_line,
            _('missing column "%(name)s"', name=" / ".join(list(columns[key])[:2] or [key])),
        )
    if problems:
        return Table([], problems)

    rows = []
    for line, values in raw_rows[1:]:
        cells = {key: values[i] if i < len(values) else "" for i, key in enumerate(keys) if key}
        rows.append(Row(line=line, cells=cells))
    return Table(rows, problems)


@dataclass(frozen=True)
class SheetColumn:
    """A column of a written sheet: its header, the number format of its cells (``"@"``
    for text, ``"0.0"``, ``"yyyy-mm-dd"``, None for openpyxl's own) and its width."""

    header: str
    number_format: str | None = None
    width: float = 16


@dataclass(frozen=True)
class Sheet:
    """One sheet to write: a header row, the rows, and optionally a totals row in bold.

    ``formatted_rows``: how many rows below the header carry the columns' number formats
    even when empty, so that a template filled in by hand keeps them (a typed employee
    number keeps its leading zeros in a text column).
    """

    title: str
    columns: Sequence[SheetColumn]
    rows: Iterable[Iterable[Any]]
    totals: Sequence[Any] | None = None
    bold_header: bool = False
    freeze_header: bool = False
    formatted_rows: int = 0


def display_width(text: str) -> int:
    """The width of ``text`` in a spreadsheet column: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet_title(title: str, used: set[str]) -> str:
    # At most 31 characters, none of []:*?/\ and unique within the workbook.
    name = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Sheet"
    while name in used:
        name = name[:26] + f"_{len(used)}"
    used.add(name)
    return name


def write_sheets(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook with these sheets, written in openpyxl's write-only (streaming)
    mode: each cell once, with its format, so time and memory grow linearly with the rows
    (fixing rows up after ``append`` in a normal workbook recounts the sheet every time).

    Values keep their type (numbers, dates); a ``Decimal`` is written as a number; a text
    starting with "=" stays text, never a formula (a name, an answer, an injection).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for spec in sheets or [Sheet("Sheet", [], [])]:
        sheet = workbook.create_sheet(_sheet_title(spec.title, used))
        if spec.freeze_header:
            sheet.freeze_panes = "A2"
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        formats = [column.number_format for column in spec.columns]
        if spec.columns:
            header = [column.header for column in spec.columns]
            font = bold if spec.bold_header else None
            sheet.append(_row(sheet, header, [None] * len(formats), font))
        written = 0
        for values in spec.rows:
            sheet.append(_row(sheet, values, formats))
            written += 1
        if spec.totals is not None:
            sheet.append(_row(sheet, spec.totals, formats, bold))
            written += 1
        # A blank cell with a format is written (openpyxl leaves out only unstyled ones).
        blank = [None] * len(formats)
        for _index in range(written, spec.formatted_rows):
            sheet.append(_row(sheet, blank, formats))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(
    sheet: Any, values: Iterable[Any], formats: Sequence[str | None], font: Any = None
) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for index, value in enumerate(values):
        cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
        number_format = formats[index] if index < len(formats) else None
        if number_format is not None:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


#: The rows of a downloaded sheet that keep a text column's format while empty.
TEMPLATE_ROWS = 499


def write_xlsx(
    headers: list[str], rows: Iterable[Iterable[Any]], text_columns: Iterable[int] = ()
) -> bytes:
    """An XLSX workbook with one sheet; ``text_columns`` (0-based) are formatted as text
    so that Excel keeps leading zeros people type into them."""
    text = set(text_columns)
    columns = [SheetColumn(h, "@" if i in text else None) for i, h in enumerate(headers)]
    # Formatting empty cells too: a template is filled in by hand after download.
    formatted = TEMPLATE_ROWS if text else 0
    return write_sheets([Sheet("Sheet", columns, rows, formatted_rows=formatted)])


def write_csv(headers: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """CSV as Excel opens it correctly in Chinese: UTF-8 with a BOM, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
