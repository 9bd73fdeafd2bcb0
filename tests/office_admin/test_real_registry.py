"""A real office registry imports (issue 16, items 1 and 2): NIP and REGON
optional for organizer-entered offices (checked and unique when given, the
office marked to complete without them), unknown columns ignored and named,
header aliases, the typed REGON quoted as typed, formula-looking and
garbled names flagged, and no "import the valid rows" without valid rows."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.offices.admin.columns import column_for
from app.offices.admin.importing import ImportFileError, looks_garbled, read_offices
from app.offices.models import Office, OfficeType
from app.offices.validators import complete_regon, regon_is_valid
from tests.factories import valid_nip, valid_regon
from tests.office_admin import registry

HEADER = "nazwa,województwo,miejscowość,regon,nip"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def _upload(client, data: bytes, filename: str):
    return client.post(
        "/organizer/offices/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _count(db, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Office).where(*where))


# ---- reading the file -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename"),
    [(registry.csv_file(), "urzedy-marszalkowskie.csv"), (registry.xlsx_file(), "um.xlsx")],
)
def test_the_sixteen_marshal_offices_read_as_they_are(request_ctx, data, filename):
    result = read_offices(data, filename)
    assert result.errors == []
    assert len(result.rows) == 16
    assert result.ignored_columns == registry.EXTRA_COLUMNS
    assert result.incomplete_count == registry.INCOMPLETE
    assert {row["office_type"] for row in result.rows} == {OfficeType.marshal.value}
    assert [row["voivodeship"] for row in result.rows] == [o[1].lower() for o in registry.OFFICES]
    first, third, tenth = result.rows[0], result.rows[2], result.rows[9]
    assert first["address"] == "Wybrzeże J. Słowackiego 12-14"  # from "Ulica"
    assert first["postal_code"] == "50-411"
    assert first["nip"] == valid_nip(800)  # written 123-456-78-90, stored as digits
    assert third["nip"] is None and third["regon"] == valid_regon(802)
    assert tenth["nip"] is None and tenth["regon"] is None
    assert all(row["warnings"] == [] for row in result.rows)


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("ulica", "address"),
        ("Street", "address"),
        ("ADRES", "address"),
        ("address", "address"),
        ("Nazwa", "name"),
        ("name", "name"),
        ("Miejscowość", "city"),
        ("MIEJSCOWOSC", "city"),
        ("miasto", "city"),
        ("City", "city"),
        ("kod", "postal_code"),
        ("Kod  pocztowy", "postal_code"),
        ("postal_code", "postal_code"),
        ("WOJEWÓDZTWO", "voivodeship"),
        ("voivodeship", "voivodeship"),
        ("typ", "office_type"),
        ("Rodzaj", "office_type"),
        ("type", "office_type"),
        ("e-mail", "contact_email"),
        ("E-Mail", "contact_email"),
        ("email", "contact_email"),
        ("Telefon", "phone"),
        ("phone", "phone"),
        ("NIP", "nip"),
        ("Regon", "regon"),
        ("Miejscowos\u0301c\u0301", "city"),  # decomposed accents, as macOS writes them
        ("strona www", None),
        ("uwagi", None),
    ],
)
def test_header_aliases(header, column):
    assert column_for(header) == column


def test_unknown_columns_are_ignored_and_named(request_ctx):
    header = "Nazwa;Ulubiony kolor;Województwo;Miasto;Uwagi"
    result = read_offices(
        _csv("Urząd Gminy Radzymin;zielony;mazowieckie;Radzymin;", header=header), "a.csv"
    )
    assert result.errors == [] and len(result.rows) == 1
    assert result.ignored_columns == ["Ulubiony kolor", "Uwagi"]
    assert result.rows[0]["office_type"] == OfficeType.municipal.value  # from "Urząd Gminy"


def test_without_a_type_the_name_must_say_it(request_ctx):
    result = read_offices(
        _csv("Urząd Miasta Radom,mazowieckie,Radom,,", "Starostwo Powiatowe w Radomiu,m,Radom,,"),
        "a.csv",
    )
    reasons = {e.line: " ".join(e.reasons) for e in result.errors}
    assert set(reasons) == {2, 3}
    assert "typ" in reasons[2]  # "Urząd Miasta" may be a city or a town office


def _regon8_valid_when_padded() -> tuple[str, str]:
    regon = complete_regon("01234567")
    return regon[1:], regon


def _regon8_invalid() -> str:
    return next(f"{n:08d}" for n in range(12345678, 12345700) if not regon_is_valid(f"0{n:08d}"))


def test_an_eight_digit_regon_is_quoted_as_typed(request_ctx):
    typed_ok, padded = _regon8_valid_when_padded()
    typed_bad = _regon8_invalid()
    result = read_offices(
        _csv(
            f"Urząd Gminy A,mazowieckie,A,{typed_ok},", f"Urząd Gminy B,mazowieckie,B,{typed_bad},"
        ),
        "a.csv",
    )
    (row,) = result.rows
    assert row["regon"] == padded
    assert typed_ok in row["warnings"][0] and padded in row["warnings"][0]
    (error,) = result.errors
    assert error.reasons == [f"REGON {typed_bad} ma błędną cyfrę kontrolną lub długość"]


def test_numbers_are_checked_and_unique_when_given(request_ctx):
    nip = valid_nip(5)
    result = read_offices(
        _csv(
            "Urząd Gminy A,mazowieckie,A,,",
            "Urząd Gminy B,mazowieckie,B,,",  # two without numbers: no clash
            f"Urząd Gminy C,mazowieckie,C,,{nip}",
            f"Urząd Gminy D,mazowieckie,D,,{nip}",
            "Urząd Gminy E,mazowieckie,E,,123",
        ),
        "a.csv",
        existing_regons={valid_regon(1)},
    )
    assert [r["line"] for r in result.rows] == [2, 3, 4]
    reasons = {e.line: " ".join(e.reasons) for e in result.errors}
    assert "4" in reasons[5] and "NIP 123 " in reasons[6]


def test_formula_looking_and_garbled_names_are_warned_about(request_ctx):
    garbled_cp1252 = "Urząd Gminy Żółkiewka".encode().decode("cp1252", errors="replace")
    garbled_cp1250 = "Urząd Miasta i Gminy Sława".encode().decode("cp1250")
    garbled_latin1 = "Starostwo Powiatowe w Łęcznej".encode().decode("latin-1")
    lines = [
        '=HYPERLINK("http://x")',
        "+48 Urząd Gminy",
        "-Urząd Gminy",
        "@Urząd Gminy",
        garbled_cp1250,
        garbled_latin1,
        "UrzÄ…d Gminy GÃ³ra",
        "Urząd Gminy Zielona Góra",  # fine
    ]
    quoted = (name.replace('"', '""') for name in lines)
    data = _csv(
        *(f'"{name}",gmina,mazowieckie,X' for name in quoted), header="nazwa,typ,woj,miasto"
    )
    result = read_offices(data, "a.csv")
    assert result.errors == [], result.errors
    warnings = [" ".join(r["warnings"]) for r in result.rows]
    for sign, text in zip("=+-@", warnings[:4], strict=True):
        assert f"zaczyna się od {sign}" in text
    assert "Sława" in warnings[4] and "Łęcznej" in warnings[5] and "Urząd Gminy Góra" in warnings[6]
    assert warnings[7] == ""
    assert looks_garbled(garbled_cp1252) is None or "Urząd" in looks_garbled(garbled_cp1252)


def test_control_characters_in_cells(request_ctx):
    data = (
        HEADER + ",adres\n"
        'Urząd Gminy A,mazowieckie,A,,,"ul. Polna 1\r\n00-001 A"\n'
        "Urz\x00d Gminy B,mazowieckie,B,,,\n"
        "Urząd Gminy C\x1b,mazowieckie,C,,,\n"
    ).encode()
    result = read_offices(data, "a.csv")
    assert [r["address"] for r in result.rows] == ["ul. Polna 1 00-001 A"]
    assert sorted(e.line for e in result.errors) == [4, 5]
    assert all("znaki sterujące" in " ".join(e.reasons) for e in result.errors)


def test_missing_required_columns_name_them(request_ctx):
    with pytest.raises(ImportFileError) as info:
        read_offices(_csv("x,y", header="nazwa,nip"), "a.csv")
    assert "województwo, miejscowość" in info.value.message


# ---- the pages ----------------------------------------------------------------------


def test_the_marshal_offices_import_end_to_end(client, login_as, db):
    login_as("organizer")
    response = _upload(client, registry.csv_file(), "urzedy-marszalkowskie.csv")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "Strona www, Źródło, Uwagi" in html
    assert "Pominięto" in html
    assert f"Bez REGON lub NIP: <strong>{registry.INCOMPLETE}</strong>" in html
    assert client.post(preview_url, data={}).status_code == 302
    assert _count(db) == 16
    assert _count(db, Office.needs_completing) == registry.INCOMPLETE
    assert _count(db, Office.regon.is_(None)) == len(registry.NO_REGON)
    listing = client.get("/organizer/offices/", query_string={"incomplete": "1"}).text
    assert listing.count("do uzupełnienia</span>") == registry.INCOMPLETE
    assert "Województwa Lubelskiego" in listing and "Województwa Dolnośląskiego" not in listing


def test_a_preview_without_valid_rows_offers_no_import(client, login_as, db):
    login_as("organizer")
    response = _upload(client, _csv("Urząd Gminy A,bawaria,A,,", "B,mazowieckie,,,"), "a.csv")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="valid_only"' not in html
    assert 'id="submit"' not in html
    assert "tylko poprawne" not in html  # "import only the valid rows"


def test_a_nul_in_a_row_refuses_that_row_and_the_rest_imports(client, login_as, db):
    # On PostgreSQL the NUL used to reach the INSERT of the import's commit.
    login_as("organizer")
    data = _csv("Urząd Gminy A,mazowieckie,A,,", "Urząd Gminy B\x00,mazowieckie,B,,")
    response = _upload(client, data, "a.csv")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "znaki sterujące" in html
    assert client.post(response.headers["Location"], data={"valid_only": "y"}).status_code == 302
    assert _count(db) == 1


def test_warnings_are_shown_in_the_preview(client, login_as, db):
    login_as("organizer")
    response = _upload(client, _csv("=Urząd Gminy A,mazowieckie,A,,"), "a.csv")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wiersze z ostrzeżeniami" in html and "formuł" in html
    assert client.post(response.headers["Location"], data={}).status_code == 302
    assert _count(db, Office.name == "=Urząd Gminy A") == 1  # a warning, not a refusal


def _office_form(**kw):
    data = {
        "name": "Urząd Gminy Bez Numerów",
        "office_type": "municipal",
        "voivodeship": "mazowieckie",
        "city": "Testowo",
        "regon": "",
        "nip": "",
    }
    data.update(kw)
    return data


def test_an_organizer_may_register_an_office_without_nip_or_regon(client, login_as, db):
    login_as("organizer")
    for n in (1, 2):  # two of them: the unique keys allow many NULLs
        response = client.post("/organizer/offices/new", data=_office_form(name=f"Urząd {n}"))
        assert response.status_code == 302
    assert _count(db, Office.regon.is_(None), Office.nip.is_(None)) == 2
    office = db.session.scalars(sa.select(Office).where(Office.name == "Urząd 1")).one()
    assert office.needs_completing
    detail = client.get(f"/organizer/offices/{office.id}").text
    assert "do uzupełnienia" in detail
    response = client.post(
        f"/organizer/offices/{office.id}/edit",
        data=_office_form(name="Urząd 1", regon=valid_regon(4242), nip=valid_nip(4242)),
    )
    assert response.status_code == 302
    db.session.refresh(office)
    assert not office.needs_completing


@pytest.mark.parametrize(("field", "value"), [("nip", "1234567890"), ("regon", "12345678")])
def test_a_number_given_is_still_checked(client, login_as, db, field, value):
    login_as("organizer")
    response = client.post("/organizer/offices/new", data=_office_form(**{field: value}))
    assert response.status_code == 200
    assert value in response.text  # shown as typed
    assert _count(db) == 0


def test_a_number_given_is_still_unique(client, login_as, make, db):
    existing = make.office()
    login_as("organizer")
    response = client.post("/organizer/offices/new", data=_office_form(nip=existing.nip))
    assert response.status_code == 200
    assert _count(db) == 1


def test_self_registration_still_requires_both_numbers(client, db):
    response = client.post(
        "/office/register",
        data={
            "name": "Urząd Gminy Samodzielny",
            "office_type": "municipal",
            "voivodeship": "mazowieckie",
            "city": "Testowo",
            "address": "ul. Polna 1",
            "postal_code": "00-950",
            "regon": "",
            "nip": "",
            "contact_name": "Jan Kowalski",
            "email": "jan@example.org",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    )
    assert response.status_code == 200
    assert response.text.count('aria-invalid="true"') >= 2
    assert _count(db) == 0


def test_the_database_stores_no_empty_number(db, make):
    office = make.office(regon=None, nip=None)
    db.session.commit()
    office.nip = ""
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
