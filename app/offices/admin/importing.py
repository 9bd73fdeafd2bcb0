"""Reading a registry of offices from a CSV or XLSX file.

`read_offices(data, filename, existing=...)` is a plain function: bytes in,
valid rows and per-line errors out. It never writes; `services.import_offices`
does. CSV must be UTF-8 (a BOM is fine): Windows-1250 cannot be told apart
from other single-byte encodings reliably, so such a file is refused with a
message that says how to save it as UTF-8.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app.inputs import control_characters
from app.offices.admin.columns import (
    HEADER_NAMES,
    REQUIRED_COLUMNS,
    column_for,
    office_type_from_name,
    parse_office_type,
    parse_voivodeship,
)
from app.offices.validators import clean_number, nip_is_valid, regon_is_valid

MAX_ROWS = 20_000
REQUIRED_VALUES = ("name", "voivodeship", "city")
MAX_LENGTH = {
    "name": 300,
    "city": 120,
    "address": 300,
    "contact_name": 200,
    "contact_email": 254,
    "phone": 40,
}
# Text a spreadsheet would run as a formula if the value were exported and
# opened again; and letters that are what UTF-8 looks like read as
# Latin-1/Windows-1252 or Windows-1250 ("Ä…" for "ą", "Ã³" or "Ăł" for "ó").
FORMULA_START = ("=", "+", "-", "@")
TEXT_COLUMNS = ("name", "city", "address", "contact_name")
_GARBLED_MARKS = re.compile("[ÃÄÅĂĹÂâ]")
_C0_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ImportFileError(Exception):
    """The file as a whole cannot be read; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowError:
    line: int
    reasons: list[str]


@dataclass
class ImportResult:
    # Valid rows, each with its "line" and its "warnings" (shown, never refused).
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # headers as written

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.errors)

    @property
    def warned_rows(self) -> list[dict]:
        return [row for row in self.rows if row.get("warnings")]

    @property
    def incomplete_count(self) -> int:
        """Valid rows without a REGON or a NIP: imported, marked to complete."""
        return sum(1 for row in self.rows if not row.get("regon") or not row.get("nip"))

    def to_json(self) -> dict:
        return {
            "rows": self.rows,
            "errors": [{"line": e.line, "reasons": e.reasons} for e in self.errors],
            "ignored_columns": self.ignored_columns,
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportResult:
        return cls(
            rows=list(data["rows"]),
            errors=[RowError(e["line"], list(e["reasons"])) for e in data["errors"]],
            ignored_columns=list(data.get("ignored_columns", [])),
        )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not in UTF-8 encoding (Polish letters would come out wrong). "
                "In Excel choose File > Save as > 'CSV UTF-8 (comma delimited)', "
                "or in LibreOffice tick 'Edit filter settings' and pick Unicode (UTF-8)."
            )
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Polish Excel writes semicolons; pick whichever separator the header uses most.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for values in reader:
            records.append((reader.line_num, values))
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is damaged near line %(line)s.", line=reader.line_num)
        ) from exc
    return records


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula is read as its text and never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("The file could not be read as an XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(v) for v in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _records(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return _xlsx_records(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        if data.startswith(b"PK\x03\x04"):
            raise ImportFileError(
                _("The file is named .csv but is a spreadsheet. Save it as CSV or as .xlsx.")
            )
        return _csv_records(data)
    raise ImportFileError(_("Send a CSV (.csv) or Excel (.xlsx) file."))


def _map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column -> position, and the headers that name no column (to be ignored)."""
    positions: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        title = " ".join(title.split())
        if not title:
            continue
        column = column_for(title)
        if column is None:
            ignored.append(title)
        elif column in positions:
            raise ImportFileError(
                _(
                    "Two columns of the header mean %(name)s; keep one of them.",
                    name=HEADER_NAMES[column],
                )
            )
        else:
            positions[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise ImportFileError(
            _(
                "The first row must name the columns nazwa, województwo and miejscowość "
                "(the other columns are optional); missing: %(names)s.",
                names=", ".join(HEADER_NAMES[c] for c in missing),
            )
        )
    return positions, ignored


def looks_garbled(text: str) -> str | None:
    """What the text would read as if it is UTF-8 decoded as Windows-1252,
    Latin-1 or Windows-1250 ("UrzÄ…d" -> "Urząd"); None when it looks fine."""
    if not _GARBLED_MARKS.search(text):
        return None
    for encoding in ("cp1252", "latin-1", "cp1250"):
        try:
            repaired = text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text:
            return repaired
    return None


def _text_warnings(values: dict[str, str]) -> list[str]:
    warnings = []
    for column in TEXT_COLUMNS:
        text = values.get(column, "")
        if text.startswith(FORMULA_START):
            warnings.append(
                _(
                    "%(column)s starts with %(sign)s and looks like a spreadsheet formula",
                    column=HEADER_NAMES[column],
                    sign=text[0],
                )
            )
        repaired = looks_garbled(text)
        if repaired:
            warnings.append(
                _(
                    "%(column)s looks like broken encoding; did the file mean %(repaired)s?",
                    column=HEADER_NAMES[column],
                    repaired=repaired,
                )
            )
    return warnings


def _check_number(row, reasons, warnings, column: str, typed: str) -> None:
    """A REGON or NIP, checked when given. `row` gets the number cleaned, or
    None when the cell is empty or the number wrong (the error then quotes
    the number as typed)."""
    label, valid = ("REGON", regon_is_valid) if column == "regon" else ("NIP", nip_is_valid)
    row[column] = None
    if not typed:
        return
    if valid(typed):
        row[column] = clean_number(typed)
        return
    digits = clean_number(typed)
    # A spreadsheet that stored a REGON as a number dropped its leading zero.
    if column == "regon" and digits.isdigit() and len(digits) in (8, 13) and valid("0" + digits):
        row[column] = "0" + digits
        warnings.append(
            _(
                "REGON %(typed)s has %(count)s digits; read as %(value)s (a leading zero "
                "a spreadsheet drops)",
                typed=typed,
                count=len(digits),
                value=row[column],
            )
        )
        return
    reasons.append(
        _("%(label)s %(value)s has a wrong check digit or length", label=label, value=typed)
    )


def _check_row(values: dict[str, str]) -> tuple[dict, list[str], list[str]]:
    """The row as it will be stored, the reasons it cannot be, and warnings."""
    reasons: list[str] = []
    labels = {"name": _("name"), "voivodeship": _("voivodeship"), "city": _("city")}
    for column in REQUIRED_VALUES:
        if not values.get(column):
            reasons.append(_("%(column)s is empty", column=labels[column]))
    for column, text in values.items():
        # UTF-8 read as Latin-1 turns most Polish letters into a letter and a
        # C1 control character ("ł" -> "Å\x82"): that is garbled text, warned
        # about below. A C0 control (NUL, escape...) is refused even then.
        if _C0_CONTROL.search(text) or (control_characters(text) and not looks_garbled(text)):
            reasons.append(
                _(
                    "%(column)s contains control characters (such as a NUL byte)",
                    column=HEADER_NAMES[column],
                )
            )
    for column, limit in MAX_LENGTH.items():
        if len(values.get(column, "")) > limit:
            reasons.append(
                _(
                    "%(column)s is longer than %(limit)s characters",
                    column=HEADER_NAMES[column],
                    limit=limit,
                )
            )
    row = {column: values.get(column, "") for column in HEADER_NAMES}
    warnings = _text_warnings(values)
    typed_type = values.get("office_type", "")
    office_type = (
        parse_office_type(typed_type) if typed_type else office_type_from_name(values["name"])
    )
    if office_type is not None:
        row["office_type"] = office_type.value
    elif typed_type:
        reasons.append(
            _(
                "unknown office type %(value)s (use e.g. gmina, miasto, powiat, "
                "marszałkowski, wojewódzki, inny)",
                value=typed_type,
            )
        )
    elif values.get("name"):
        reasons.append(_("the type is empty and the name does not say it"))
    if values.get("voivodeship"):
        voivodeship = parse_voivodeship(values["voivodeship"])
        if voivodeship is None:
            reasons.append(_("unknown voivodeship %(value)s", value=values["voivodeship"]))
        else:
            row["voivodeship"] = voivodeship.value
    _check_number(row, reasons, warnings, "regon", values.get("regon", ""))
    _check_number(row, reasons, warnings, "nip", values.get("nip", ""))
    if values.get("contact_email"):
        try:
            row["contact_email"] = validate_email(
                values["contact_email"], check_deliverability=False
            ).normalized.lower()
        except EmailNotValidError:
            reasons.append(
                _("%(value)s is not a valid e-mail address", value=values["contact_email"])
            )
    if values.get("postal_code") and not re.fullmatch(r"\d{2}-\d{3}", values["postal_code"]):
        reasons.append(
            _("postal code %(value)s is not in the form 00-000", value=values["postal_code"])
        )
    return row, reasons, warnings


def _cell(raw: list[str], index: int) -> str:
    """A cell's text with its line breaks and tabs (a spreadsheet's Alt+Enter)
    made single spaces; other control characters stay, to be refused."""
    text = raw[index] if index < len(raw) else ""
    return re.sub(r"[\t\r\n]+", " ", text).strip()


def _duplicate_reasons(row, line, seen, existing) -> list[str]:
    reasons = []
    for column, label in (("regon", "REGON"), ("nip", "NIP")):
        value = row.get(column)
        if not value:
            continue
        if value in seen[column]:
            reasons.append(
                _(
                    "%(label)s %(value)s repeats line %(line)s",
                    label=label,
                    value=value,
                    line=seen[column][value],
                )
            )
        elif value in existing[column]:
            reasons.append(
                _(
                    "an office with %(label)s %(value)s is already registered",
                    label=label,
                    value=value,
                )
            )
        seen[column].setdefault(value, line)
    return reasons


def read_offices(
    data: bytes,
    filename: str,
    *,
    existing_regons: set[str] | frozenset[str] = frozenset(),
    existing_nips: set[str] | frozenset[str] = frozenset(),
) -> ImportResult:
    """Valid rows, per-line errors and the ignored columns of a registry file.

    Raises ImportFileError when the file as a whole is unusable (not CSV/XLSX,
    not UTF-8, empty, no name, voivodeship or city column). Columns it does
    not know are ignored and listed. REGON and NIP may be empty (the office
    is then marked to complete); when given they are checked and must not
    repeat within the file or the numbers passed in (those in the database).
    """
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    records = _records(data, filename)
    records = [(n, v) for n, v in records if any(x.strip() for x in v)]
    if not records:
        raise ImportFileError(_("The file is empty."))
    _header_line, header = records[0]
    positions, ignored = _map_header(header)
    body = records[1:]
    if not body:
        raise ImportFileError(_("The file has a header row but no offices."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows; split it into smaller files.", max=MAX_ROWS)
        )

    result = ImportResult(ignored_columns=ignored)
    seen: dict[str, dict[str, int]] = {"regon": {}, "nip": {}}
    existing = {"regon": existing_regons, "nip": existing_nips}
    for line, raw in body:
        values = {column: _cell(raw, i) for column, i in positions.items()}
        row, reasons, warnings = _check_row(values)
        reasons += _duplicate_reasons(row, line, seen, existing)
        if reasons:
            result.errors.append(RowError(line, reasons))
        else:
            row["line"] = line
            row["warnings"] = warnings
            result.rows.append(row)
    return result
