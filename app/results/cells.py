"""Cells for spreadsheets: text that a spreadsheet program must not run.

Excel, LibreOffice and Google Sheets read a cell that starts with `=`, `+`,
`-` or `@` (and, in some versions, a tab or a carriage return) as a formula,
so an office named `=HYPERLINK(...)` or a juror's comment starting with `-`
could run something on the organizer's computer ("CSV injection"). Every text
cell of an export goes through one of these functions; numbers and dates are
written as numbers and dates and are never escaped.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading ' when it would otherwise
    be read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def xlsx_text(value: str) -> tuple[str, bool]:
    """Text for an XLSX cell: the control characters XML cannot hold removed
    (a pasted vertical tab would otherwise stop the whole file), and whether
    the cell needs the quote prefix (shown and edited as text, never as a
    formula). The cell itself must be given the string type: openpyxl would
    otherwise store a value starting with `=` as a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value, value.startswith(FORMULA_STARTS)
