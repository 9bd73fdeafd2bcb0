"""How an office registry file may name its columns and write its values.

Headers and words are compared by `key`: lower-case, without diacritics,
spaces or punctuation, so "Kod pocztowy", "kod_pocztowy" and "KOD-POCZTOWY"
are one header, and "Miejscowość" is "miejscowosc".
"""

from __future__ import annotations

import re
import unicodedata

from app.offices.models import OfficeType, Voivodeship

# Column -> the headers that name it (as keys).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "nazwa", "nazwaurzedu", "officename", "nazwainstytucji", "urzad"),
    "office_type": ("type", "typ", "officetype", "typurzedu", "rodzaj", "rodzajurzedu"),
    "voivodeship": ("voivodeship", "wojewodztwo", "woj", "province"),
    "city": ("city", "miejscowosc", "miasto", "town", "locality"),
    "address": (
        "address",
        "adres",
        "ulica",
        "street",
        "streetaddress",
        "ulicainumer",
        "ulicainr",
        "ulicanr",
    ),
    "regon": ("regon", "nrregon", "numerregon"),
    "nip": ("nip", "nrnip", "numernip"),
    "contact_email": (
        "email",
        "mail",
        "contactemail",
        "emailkontaktowy",
        "adresemail",
        "kontaktemail",
    ),
    "postal_code": ("postalcode", "postcode", "kodpocztowy", "kod", "zipcode", "zip"),
    "contact_name": ("contactname", "contact", "osobakontaktowa", "kontakt"),
    "phone": ("phone", "telefon", "tel", "nrtelefonu", "numertelefonu", "phonenumber"),
}
# A row needs these; every other column may be left out of the file.
REQUIRED_COLUMNS = ("name", "voivodeship", "city")
OPTIONAL_COLUMNS = tuple(c for c in COLUMNS if c not in REQUIRED_COLUMNS)
# How the columns are named in messages and in the help (the Polish headers).
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
HEADER_LOOKUP = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


def key(text: str) -> str:
    """'Województwo ' -> 'wojewodztwo', 'E-mail' -> 'email', 'Kod (pocztowy)' -> 'kodpocztowy'."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode("ascii"))


def column_for(header: str) -> str | None:
    return HEADER_LOOKUP.get(key(header))


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
# Names that say the type unambiguously ("Urząd Miasta" does not: a city
# with county rights or an ordinary town).
TYPE_IN_NAME: tuple[tuple[str, OfficeType], ...] = (
    ("urzadmarszalkowski", OfficeType.marshal),
    ("urzadwojewodzki", OfficeType.voivodeship),
    ("starostwopowiatowe", OfficeType.county),
    ("urzadmiastaigminy", OfficeType.municipal),
    ("urzadgminy", OfficeType.municipal),
)
VOIVODESHIP_WORDS: dict[str, Voivodeship] = {
    word: v for v in Voivodeship for word in (key(v.value), key(v.name))
}


def parse_office_type(text: str) -> OfficeType | None:
    return TYPE_WORDS.get(key(text))


def office_type_from_name(name: str) -> OfficeType | None:
    """The type a name states outright ("Urząd Marszałkowski Województwa ...")."""
    name_key = key(name)
    return next((t for words, t in TYPE_IN_NAME if words in name_key), None)


def parse_voivodeship(text: str) -> Voivodeship | None:
    text_key = key(text)
    for prefix in ("wojewodztwo", "woj"):
        if text_key.startswith(prefix) and text_key[len(prefix) :] in VOIVODESHIP_WORDS:
            return VOIVODESHIP_WORDS[text_key[len(prefix) :]]
    return VOIVODESHIP_WORDS.get(text_key)
