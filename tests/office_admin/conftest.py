from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from tests.factories import valid_nip, valid_regon

HEADER_PL = "nazwa,typ,województwo,miejscowość,adres,regon,nip,email"


def csv_bytes(rows: list[str], header: str = HEADER_PL, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def office_line(
    n: int, *, name=None, typ="gmina", voiv="mazowieckie", regon=None, nip=None, email=None
) -> str:
    return ",".join(
        [
            name or f"Urząd Gminy {n}",
            typ,
            voiv,
            f"Miejscowość {n}",
            f"ul. Główna {n}",
            regon or valid_regon(900000 + n),
            nip or valid_nip(900000 + n),
            email or f"kontakt{n}@example.org",
        ]
    )


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def upload_dir(app):
    return app.config["UPLOAD_DIR"]
