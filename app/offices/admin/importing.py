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

from app.offices.models import OfficeType, Voivodeship
from app.offices.validators import clean_number, nip_is_valid, regon_is_valid

MAX_ROWS = 20_000

# Column -> the headers that name it (compared lower-case, without spaces,
# underscores, hyphens or Polish letters).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "nazwa", "nazwaurzedu", "officename"),
    "office_type": ("type", "typ", "officetype", "typurzedu", "rodzaj"),
    "voivodeship": ("voivodeship", "wojewodztwo"),
    "city": ("city", "miejscowosc", "miasto", "town"),
    "address": ("address", "adres", "ulica"),
    "regon": ("regon",),
    "nip": ("nip",),
    "contact_email": (
        "email",
        "mail",
        "contactemail",
        "emailkontaktowy",
        "adresemail",
        "kontaktemail",
    ),
    "postal_code": ("postalcode", "postcode", "kodpocztowy", "kod"),
    "contact_name": ("contactname", "contact", "osobakontaktowa", "kontakt"),
    "phone": ("phone", "telefon", "tel"),
}
REQUIRED_COLUMNS = (
    "name",
    "office_type",
    "voivodeship",
    "city",
    "address",
    "regon",
    "nip",
    "contact_email",
)
# How the columns are named in messages (the Polish headers the template uses).
HEADER_NAMES = {
    "name": "nazwa",
    "office_type": "typ",
    "voivodeship": "województwo",
    "city": "miejscowość",
    "address": "adres",
    "regon": "regon",
    "nip": "nip",
    "contact_email": "email",
    "postal_code": "kod pocztowy",
    "contact_name": "osoba kontaktowa",
    "phone": "telefon",
}
REQUIRED_VALUES = ("name", "office_type", "voivodeship", "city", "regon", "nip")
MAX_LENGTH = {
    "name": 300,
    "city": 120,
    "address": 300,
    "contact_name": 200,
    "contact_email": 254,
    "phone": 40,
}

_POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")

# Polish and English ways of writing an office type.
TYPE_WORDS: dict[str, OfficeType] = {
    "gmina": OfficeType.municipal,
    "urzadgminy": OfficeType.municipal,
    "urzadmiastaigminy": OfficeType.municipal,
    "miastoigmina": OfficeType.municipal,
    "gminna": OfficeType.municipal,
    "miasto": OfficeType.city,
    "urzadmiasta": OfficeType.city,
    "miastonaprawachpowiatu": OfficeType.city,
    "powiat": OfficeType.county,
    "starostwo": OfficeType.county,
    "starostwopowiatowe": OfficeType.county,
    "powiatowy": OfficeType.county,
    "marszalkowski": OfficeType.marshal,
    "urzadmarszalkowski": OfficeType.marshal,
    "samorzadwojewodztwa": OfficeType.marshal,
    "wojewodzki": OfficeType.voivodeship,
    "urzadwojewodzki": OfficeType.voivodeship,
    "inny": OfficeType.other,
    "inne": OfficeType.other,
    "municipal": OfficeType.municipal,
    "municipaloffice": OfficeType.municipal,
    "city": OfficeType.city,
    "cityoffice": OfficeType.city,
    "county": OfficeType.county,
    "countyoffice": OfficeType.county,
    "marshal": OfficeType.marshal,
    "marshaloffice": OfficeType.marshal,
    "voivodeship": OfficeType.voivodeship,
    "voivodeshipoffice": OfficeType.voivodeship,
    "other": OfficeType.other,
}
VOIVODESHIP_WORDS: dict[str, Voivodeship] = {
    _key: v
    for v in Voivodeship
    for _key in (
        re.sub(r"[\s_\-]", "", v.value.lower().translate(_POLISH)),
        re.sub(r"[\s_\-]", "", v.name),
    )
}


def _key(text: str) -> str:
    """Lower-case ASCII without separators: 'Województwo' -> 'wojewodztwo'."""
    return re.sub(r"[\s_\-.:/]", "", text.strip().lower().translate(_POLISH))


HEADER_LOOKUP = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


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
    rows: list[dict] = field(default_factory=list)  # valid rows, each with its "line"
    errors: list[RowError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.errors)

    def to_json(self) -> dict:
        return {
            "rows": self.rows,
            "errors": [{"line": e.line, "reasons": e.reasons} for e in self.errors],
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportResult:
        return cls(
            rows=list(data["rows"]),
            errors=[RowError(e["line"], list(e["reasons"])) for e in data["errors"]],
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


def _map_header(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    unknown = []
    for index, title in enumerate(header):
        if not title.strip():
            continue
        column = HEADER_LOOKUP.get(_key(title))
        if column is None:
            unknown.append(title.strip())
        elif column in positions:
            raise ImportFileError(
                _("The column %(name)s appears twice in the header.", name=title.strip())
            )
        else:
            positions[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if unknown or missing:
        expected = "nazwa, typ, województwo, miejscowość, adres, regon, nip, email"
        parts = []
        if missing:
            parts.append(_("missing: %(names)s", names=", ".join(HEADER_NAMES[c] for c in missing)))
        if unknown:
            parts.append(_("not recognised: %(names)s", names=", ".join(unknown)))
        raise ImportFileError(
            _(
                "The first row must name the columns (%(expected)s); %(problems)s.",
                expected=expected,
                problems="; ".join(parts),
            )
        )
    return positions


def parse_office_type(text: str) -> OfficeType | None:
    return TYPE_WORDS.get(_key(text))


def parse_voivodeship(text: str) -> Voivodeship | None:
    key = _key(text)
    if key.startswith("wojewodztwo") and len(key) > len("wojewodztwo"):
        key = key[len("wojewodztwo") :]
    return VOIVODESHIP_WORDS.get(key)


def _check_row(values: dict[str, str]) -> tuple[dict, list[str]]:
    reasons: list[str] = []
    labels = {
        "name": _("name"),
        "office_type": _("type"),
        "voivodeship": _("voivodeship"),
        "city": _("city"),
        "regon": "REGON",
        "nip": "NIP",
    }
    for column in REQUIRED_VALUES:
        if not values.get(column):
            reasons.append(_("%(column)s is empty", column=labels[column]))
    for column, limit in MAX_LENGTH.items():
        if len(values.get(column, "")) > limit:
            reasons.append(
                _(
                    "%(column)s is longer than %(limit)s characters",
                    column=HEADER_NAMES[column],
                    limit=limit,
                )
            )
    row = dict(values)
    if values.get("office_type"):
        office_type = parse_office_type(values["office_type"])
        if office_type is None:
            reasons.append(
                _(
                    "unknown office type %(value)s (use e.g. gmina, miasto, powiat, "
                    "marszałkowski, wojewódzki, inny)",
                    value=values["office_type"],
                )
            )
        else:
            row["office_type"] = office_type.value
    if values.get("voivodeship"):
        voivodeship = parse_voivodeship(values["voivodeship"])
        if voivodeship is None:
            reasons.append(_("unknown voivodeship %(value)s", value=values["voivodeship"]))
        else:
            row["voivodeship"] = voivodeship.value
    if values.get("regon"):
        if regon_is_valid(values["regon"]):
            row["regon"] = clean_number(values["regon"])
        else:
            reasons.append(
                _("REGON %(value)s has a wrong check digit or length", value=values["regon"])
            )
    if values.get("nip"):
        if nip_is_valid(values["nip"]):
            row["nip"] = clean_number(values["nip"])
        else:
            reasons.append(
                _("NIP %(value)s has a wrong check digit or length", value=values["nip"])
            )
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
    return row, reasons


def _pad_number(text: str) -> str:
    # A spreadsheet that stored a REGON as a number dropped its leading zero.
    if text.isdigit() and len(text) in (8, 13):
        return "0" + text
    return text


def read_offices(
    data: bytes,
    filename: str,
    *,
    existing_regons: set[str] | frozenset[str] = frozenset(),
    existing_nips: set[str] | frozenset[str] = frozenset(),
) -> ImportResult:
    """Valid rows and per-line errors of an office registry file.

    Raises ImportFileError when the file as a whole is unusable (not CSV/XLSX,
    not UTF-8, empty, wrong columns). Duplicates are checked within the file and
    against the REGON/NIP numbers passed in (those already in the database).
    """
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    records = _records(data, filename)
    records = [(n, v) for n, v in records if any(x.strip() for x in v)]
    if not records:
        raise ImportFileError(_("The file is empty."))
    header_line, header = records[0]
    positions = _map_header(header)
    body = records[1:]
    if not body:
        raise ImportFileError(_("The file has a header row but no offices."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows; split it into smaller files.", max=MAX_ROWS)
        )

    result = ImportResult()
    seen_regon: dict[str, int] = {}
    seen_nip: dict[str, int] = {}
    for line, raw in body:
        values = {
            column: (raw[i].strip() if i < len(raw) else "") for column, i in positions.items()
        }
        values["regon"] = _pad_number(values.get("regon", ""))
        row, reasons = _check_row(values)
        regon, nip = row.get("regon", ""), row.get("nip", "")
        if regon and regon_is_valid(regon):
            if regon in seen_regon:
                reasons.append(
                    _("REGON %(value)s repeats line %(line)s", value=regon, line=seen_regon[regon])
                )
            elif regon in existing_regons:
                reasons.append(
                    _("an office with REGON %(value)s is already registered", value=regon)
                )
        if nip and nip_is_valid(nip):
            if nip in seen_nip:
                reasons.append(
                    _("NIP %(value)s repeats line %(line)s", value=nip, line=seen_nip[nip])
                )
            elif nip in existing_nips:
                reasons.append(_("an office with NIP %(value)s is already registered", value=nip))
        if regon and regon_is_valid(regon):
            seen_regon.setdefault(regon, line)
        if nip and nip_is_valid(nip):
            seen_nip.setdefault(nip, line)
        if reasons:
            result.errors.append(RowError(line, reasons))
        else:
            for optional in ("address", "postal_code", "contact_name", "contact_email", "phone"):
                row.setdefault(optional, "")
            row["line"] = line
            result.rows.append(row)
    return result
