"""A report as rows of plain values, so that the page, the XLSX and the CSV show the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lms.tabular import Sheet, SheetColumn, display_width, write_sheets

#: The number format of a column kind in a spreadsheet; text is left as typed.
FORMATS = {"int": "0", "decimal": "0.0", "percent": "0.0", "date": "yyyy-mm-dd"}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, int, decimal, percent, date
    width: int = 12


@dataclass(frozen=True)
class ReportTable:
    """A report as rows of plain values; the page, the XLSX and the CSV all show these."""

    title: str
    columns: list[Column]
    rows: list[list[Any]]
    totals: list[Any] | None = None


def number(value: Decimal | None) -> float | None:
    """A figure as a spreadsheet number (None stays an empty cell)."""
    return float(value) if value is not None else None


def _sheet_column(column: Column) -> SheetColumn:
    # Sized to the header (CJK characters take two widths), at least the column's own.
    width = max(column.width, display_width(column.header) + 2)
    return SheetColumn(column.header, FORMATS.get(column.kind), width)


def write_spreadsheet(tables: Sequence[ReportTable]) -> bytes:
    """An XLSX workbook, one sheet per table: numbers as numbers, dates as dates, bold
    headers and totals, widths that fit the columns, the header row frozen."""
    return write_sheets(
        [
            Sheet(
                table.title,
                [_sheet_column(c) for c in table.columns],
                table.rows,
                table.totals,
                bold_header=True,
                freeze_header=True,
            )
            for table in tables
        ]
    )


def table_rows_for_csv(table: ReportTable) -> list[list[Any]]:
    """The rows and the totals, with empty cells for missing figures."""
    lines = table.rows + ([table.totals] if table.totals is not None else [])
    return [["" if v is None else v for v in line] for line in lines]
