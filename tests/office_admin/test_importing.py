from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.errors import LaurelError
from app.offices.admin import services
from app.offices.admin.importing import ImportFileError, read_offices
from app.offices.models import Office, OfficeType, Voivodeship
from tests.factories import valid_nip, valid_regon
from tests.office_admin.conftest import csv_bytes, office_line, xlsx_bytes

pytestmark = pytest.mark.usefixtures("request_ctx")


def test_good_csv_with_polish_headers_and_values(db):
    data = csv_bytes(
        [
            office_line(1),
            office_line(2, typ="Powiat", voiv="Śląskie"),
            office_line(3, typ="urząd miasta", voiv="slaskie"),
        ]
    )
    result = read_offices(data, "urzedy.csv")
    assert result.errors == []
    assert [r["line"] for r in result.rows] == [2, 3, 4]
    first, second, third = result.rows
    assert first["office_type"] == OfficeType.municipal.value
    assert first["voivodeship"] == Voivodeship.mazowieckie.value
    assert second["office_type"] == OfficeType.county.value
    assert second["voivodeship"] == Voivodeship.slaskie.value
    assert third["office_type"] == OfficeType.city.value
    assert third["voivodeship"] == Voivodeship.slaskie.value


def test_english_headers_semicolons_and_bom(db):
    header = "Name;Type;Voivodeship;City;Address;REGON;NIP;Contact e-mail"
    line = office_line(5).replace(",", ";")
    data = b"\xef\xbb\xbf" + csv_bytes([line], header=header)
    result = read_offices(data, "offices.CSV")
    assert result.errors == [] and len(result.rows) == 1


def test_bad_checksums_are_reported_with_line_numbers(db):
    good_regon = valid_regon(900001)
    bad_regon = good_regon[:-1] + str((int(good_regon[-1]) + 1) % 10)
    good_nip = valid_nip(900002)
    bad_nip = good_nip[:-1] + str((int(good_nip[-1]) + 1) % 10)
    data = csv_bytes([office_line(1, regon=bad_regon), office_line(2, nip=bad_nip), office_line(3)])
    result = read_offices(data, "a.csv")
    assert [r["line"] for r in result.rows] == [4]
    assert [e.line for e in result.errors] == [2, 3]
    assert "REGON" in result.errors[0].reasons[0]
    assert "NIP" in result.errors[1].reasons[0]


def test_required_fields_email_type_and_voivodeship(db):
    data = csv_bytes(
        [
            office_line(1, name=" "),
            office_line(2, email="not-an-email"),
            office_line(3, typ="ministerstwo"),
            office_line(4, voiv="bawaria"),
        ]
    )
    result = read_offices(data, "a.csv")
    assert result.rows == []
    reasons = {e.line: " ".join(e.reasons) for e in result.errors}
    assert "empty" in reasons[2] or "pust" in reasons[2]
    assert "not-an-email" in reasons[3]
    assert "ministerstwo" in reasons[4]
    assert "bawaria" in reasons[5]


def test_duplicates_in_file_and_in_database(db, make):
    existing = make.office()
    data = csv_bytes(
        [
            office_line(1),
            office_line(2, regon=valid_regon(900001)),  # same REGON as line 2
            office_line(3, nip=existing.nip),
        ]
    )
    regons, nips = services.existing_numbers()
    result = read_offices(data, "a.csv", existing_regons=regons, existing_nips=nips)
    assert [r["line"] for r in result.rows] == [2]
    reasons = {e.line: " ".join(e.reasons) for e in result.errors}
    assert "2" in reasons[3]
    assert existing.nip in reasons[4]


@pytest.mark.parametrize(
    "header",
    [
        "nazwa,typ,miejscowość,adres,regon,nip,email",  # no voivodeship
        "a,b,c,d,e,f,g,h",
        "nazwa,typ,województwo,miejscowość,adres,ulica,nip,email",  # two address columns
    ],
)
def test_wrong_or_missing_columns_are_refused(db, header):
    with pytest.raises(ImportFileError) as info:
        read_offices(csv_bytes([office_line(1)], header=header), "a.csv")
    assert "nazwa, województwo" in info.value.message or "adres" in info.value.message


@pytest.mark.parametrize(
    "data", [b"", b"   \n\n", "nazwa,typ,województwo,miejscowość,adres,regon,nip,email\n".encode()]
)
def test_empty_files_are_refused(db, data):
    with pytest.raises(ImportFileError):
        read_offices(data, "a.csv")


def test_non_utf8_csv_is_refused_with_advice(db):
    data = csv_bytes([office_line(1, name="Urząd Gminy Łódź")], encoding="cp1250")
    with pytest.raises(ImportFileError) as info:
        read_offices(data, "a.csv")
    assert "UTF-8" in info.value.message


@pytest.mark.parametrize("filename", ["a.pdf", "a", "a.xls"])
def test_other_file_types_are_refused(db, filename):
    with pytest.raises(ImportFileError):
        read_offices(csv_bytes([office_line(1)]), filename)


def test_broken_xlsx_is_refused(db):
    with pytest.raises(ImportFileError):
        read_offices(b"this is not a zip", "a.xlsx")


def test_xlsx_with_numbers_and_formula_looking_text(db):
    regon = valid_regon(900001)
    data = xlsx_bytes(
        [
            ["Nazwa", "Typ", "Województwo", "Miejscowość", "Adres", "REGON", "NIP", "E-mail"],
            [
                "=1+2",
                "gmina",
                "mazowieckie",
                "Radom",
                "ul. A 1",
                int(regon),
                int(valid_nip(900001)),
                "a@example.org",
            ],
            [None, None, None, None, None, None, None, None],
            ["Urząd", "powiat", "lubelskie", "Lublin", "", regon, valid_nip(900002), ""],
        ]
    )
    result = read_offices(data, "lista.xlsx")
    assert [r["line"] for r in result.rows] == [2]
    assert result.rows[0]["name"] == "=1+2"  # stored as the text typed, never evaluated
    assert result.rows[0]["regon"] == regon
    assert [e.line for e in result.errors] == [4]


def test_empty_xlsx_is_refused(db):
    with pytest.raises(ImportFileError):
        read_offices(xlsx_bytes([]), "a.xlsx")


def test_import_of_5000_rows_is_fast_and_complete(db, make):
    organizer = make.organizer()
    data = csv_bytes([office_line(n) for n in range(1, 5001)])
    started = time.perf_counter()
    regons, nips = services.existing_numbers()
    result = read_offices(data, "big.csv", existing_regons=regons, existing_nips=nips)
    assert result.errors == [] and len(result.rows) == 5000
    count = services.import_offices(result, actor=organizer, filename="big.csv", valid_only=False)
    db.session.commit()
    elapsed = time.perf_counter() - started
    assert count == 5000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 5000
    assert elapsed < 15, f"import took {elapsed:.1f}s"


def test_file_with_errors_imports_nothing_unless_valid_rows_chosen(db, make):
    organizer = make.organizer()
    db.session.commit()
    data = csv_bytes([office_line(1), office_line(2, nip="123")])
    result = read_offices(data, "a.csv")
    with pytest.raises(LaurelError):
        services.import_offices(result, actor=organizer, filename="a.csv", valid_only=False)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 0
    assert services.import_offices(result, actor=organizer, filename="a.csv", valid_only=True) == 1
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 1
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "office.imported")
    ).one()
    assert event.after["imported"] == 1 and event.after["skipped_rows"] == [3]


def test_clash_registered_after_preview_refuses_the_whole_import(db, make):
    organizer = make.organizer()
    db.session.commit()
    data = csv_bytes([office_line(1), office_line(2)])
    result = read_offices(data, "a.csv")
    make.office(regon=result.rows[1]["regon"], nip=valid_nip(123456))
    with pytest.raises(LaurelError):
        services.import_offices(result, actor=organizer, filename="a.csv", valid_only=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 0
