"""A registry file as an organizer really gets one: the sixteen marshal
offices gathered from their websites, written as Polish Excel writes a CSV
(semicolons, a BOM), with no type column, the street in "Ulica", NIP and
REGON missing for some, and extra columns (website, source, remarks).

Names, cities, streets and postal codes are the offices' public addresses;
the NIP and REGON numbers are computed (valid check digits, not the real ones).
"""

from __future__ import annotations

from openpyxl import Workbook

from tests.factories import valid_nip, valid_regon

HEADER = [
    "Nazwa",
    "Województwo",
    "Miejscowość",
    "Ulica",
    "Kod pocztowy",
    "NIP",
    "REGON",
    "Telefon",
    "E-mail",
    "Strona www",
    "Źródło",
    "Uwagi",
]
EXTRA_COLUMNS = ["Strona www", "Źródło", "Uwagi"]

OFFICES = [
    ("Dolnośląskiego", "dolnośląskie", "Wrocław", "Wybrzeże J. Słowackiego 12-14", "50-411"),
    ("Kujawsko-Pomorskiego", "kujawsko-pomorskie", "Toruń", "Plac Teatralny 2", "87-100"),
    ("Lubelskiego", "lubelskie", "Lublin", "ul. Artura Grottgera 4", "20-029"),
    ("Lubuskiego", "lubuskie", "Zielona Góra", "ul. Podgórna 7", "65-057"),
    ("Łódzkiego", "łódzkie", "Łódź", "al. Piłsudskiego 8", "90-051"),
    ("Małopolskiego", "małopolskie", "Kraków", "ul. Racławicka 56", "30-017"),
    ("Mazowieckiego w Warszawie", "mazowieckie", "Warszawa", "ul. Jagiellońska 26", "03-719"),
    ("Opolskiego", "opolskie", "Opole", "ul. Piastowska 14", "45-082"),
    ("Podkarpackiego", "podkarpackie", "Rzeszów", "al. Łukasza Cieplińskiego 4", "35-010"),
    ("Podlaskiego", "podlaskie", "Białystok", "ul. Kardynała S. Wyszyńskiego 1", "15-888"),
    ("Pomorskiego", "pomorskie", "Gdańsk", "ul. Okopowa 21/27", "80-810"),
    ("Śląskiego", "śląskie", "Katowice", "ul. Ligonia 46", "40-037"),
    ("Świętokrzyskiego", "świętokrzyskie", "Kielce", "al. IX Wieków Kielc 3", "25-516"),
    (
        "Warmińsko-Mazurskiego w Olsztynie",
        "warmińsko-mazurskie",
        "Olsztyn",
        "ul. Emilii Plater 1",
        "10-562",
    ),
    ("Wielkopolskiego w Poznaniu", "Wielkopolskie", "Poznań", "al. Niepodległości 34", "61-714"),
    ("Zachodniopomorskiego", "zachodniopomorskie", "Szczecin", "ul. Korsarzy 34", "70-540"),
]
NO_NIP = {2, 9}  # 0-based positions in OFFICES
NO_REGON = {5, 9}
INCOMPLETE = len(NO_NIP | NO_REGON)


def rows() -> list[list[str]]:
    result = []
    for n, (genitive, voivodeship, city, street, postal) in enumerate(OFFICES):
        nip = "" if n in NO_NIP else valid_nip(800 + n)
        if nip and n % 3 == 0:
            nip = f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}"  # as written on websites
        remark = "NIP do uzupełnienia" if n in NO_NIP else ("" if n % 2 else "dane z BIP")
        result.append(
            [
                f"Urząd Marszałkowski Województwa {genitive}",
                voivodeship,
                city,
                street,
                postal,
                nip,
                "" if n in NO_REGON else valid_regon(800 + n),
                f"+48 {n + 12} 000 00 00",
                f"kancelaria{n}@um.example.pl",
                f"https://www.um{n}.example.pl",
                "BIP urzędu, listopad 2026",
                remark,
            ]
        )
    return result


def csv_file() -> bytes:
    lines = [";".join(HEADER), *(";".join(row) for row in rows())]
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_file() -> bytes:
    import io

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows():
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
