"""The demo's constant tables: accounts, categories, areas with criteria and
questions, and the offices (real names and addresses, computed REGON/NIP)."""

from __future__ import annotations

from app.editions.models import QuestionKind
from app.offices.models import OfficeType, Voivodeship

DEMO_PASSWORD = "laurel-demo-2026"
EDITION_SLUG = "przyjazny-urzad-2026"

ORGANIZER = ("organizator@laurel.example", "Anna Organizatorska")
JURORS = [
    ("juror1@laurel.example", "dr hab. Piotr Nowicki"),
    ("juror2@laurel.example", "Magdalena Wiśniewska"),
    ("juror3@laurel.example", "Tomasz Zieliński"),
]

CATEGORIES = [
    ("Urzędy marszałkowskie", "Samorządy województw.", [OfficeType.marshal]),
    ("Starostwa powiatowe", "Urzędy powiatów ziemskich.", [OfficeType.county]),
    ("Urzędy miast na prawach powiatu", "Miasta na prawach powiatu.", [OfficeType.city]),
    ("Urzędy gmin i miast", "Gminy wiejskie, miejsko-wiejskie i miejskie.", [OfficeType.municipal]),
]

# (area, [(stage, criterion, max, weight, guidance)], [(kind, question, extra)])
AREAS = [
    (
        "Standardy obsługi klienta",
        [
            (
                1,
                "Karta usług i standardy czasu obsługi",
                10,
                1.5,
                "Czy urząd ma opublikowane karty usług z terminami?",
            ),
            (
                1,
                "Dostępność dla osób z niepełnosprawnościami",
                10,
                1.0,
                "Deklaracja dostępności, pętla indukcyjna, tłumacz PJM.",
            ),
            (
                2,
                "Jakość obsługi w punkcie (tajemniczy klient)",
                20,
                2.0,
                "Oceń na podstawie raportu z wizyty.",
            ),
        ],
        [
            (
                QuestionKind.text,
                "Opisz standardy obsługi klienta obowiązujące w urzędzie.",
                {"max_length": 3000},
            ),
            (
                QuestionKind.number,
                "Liczba stanowisk obsługi bezpośredniej (front office)",
                {"min_value": 0, "max_value": 500},
            ),
            (QuestionKind.text, "Godziny otwarcia urzędu", {"max_length": 300}),
        ],
    ),
    (
        "Standardy polityki jakości",
        [
            (
                1,
                "System zarządzania jakością (ISO 9001, CAF)",
                10,
                1.5,
                "Certyfikaty, samoocena CAF, przeglądy zarządzania.",
            ),
            (
                1,
                "Badanie satysfakcji klientów",
                10,
                1.0,
                "Regularność, metoda, wykorzystanie wyników.",
            ),
        ],
        [
            (QuestionKind.yes_no, "Czy urząd posiada certyfikat ISO 9001?", {}),
            (
                QuestionKind.yes_no,
                "Czy urząd przeprowadził samoocenę CAF w ostatnich 3 latach?",
                {},
            ),
            (
                QuestionKind.number,
                "Liczba badań satysfakcji klientów w ostatnim roku",
                {"min_value": 0, "max_value": 100},
            ),
        ],
    ),
    (
        "Kompetencje pracowników",
        [
            (
                1,
                "Szkolenia pracowników obsługi klienta",
                10,
                1.0,
                "Plan szkoleń, udział, ocena efektów.",
            ),
            (
                2,
                "Kompetencje w kontakcie z klientem (weryfikacja)",
                10,
                1.0,
                "Rzetelność i uprzejmość udzielanych informacji.",
            ),
        ],
        [
            (
                QuestionKind.text,
                "Opisz system szkoleń pracowników pierwszego kontaktu.",
                {"max_length": 3000},
            ),
        ],
    ),
    (
        "Komunikacja z otoczeniem",
        [
            (
                1,
                "Komunikacja zewnętrzna (strona, BIP, media)",
                10,
                1.0,
                "Aktualność, przejrzystość, język prosty.",
            ),
            (1, "Komunikacja wewnętrzna", 10, 0.5, "Obieg informacji, intranet, narady."),
            (2, "Informacje ze źródeł zewnętrznych", 10, 1.0, "Opinie mieszkańców, media, skargi."),
        ],
        [
            (
                QuestionKind.text,
                "Jak urząd informuje mieszkańców o swoich usługach?",
                {"max_length": 2000},
            ),
        ],
    ),
    (
        "Metody zarządzania publicznego",
        [
            (
                1,
                "Zarządzanie strategiczne i projektowe",
                10,
                1.0,
                "Strategia, mierniki, zarządzanie ryzykiem.",
            ),
            (
                1,
                "Innowacje w usługach publicznych",
                10,
                1.0,
                "E-usługi, nowe rozwiązania dla mieszkańców.",
            ),
        ],
        [
            (
                QuestionKind.text,
                "Opisz najważniejszą innowację wdrożoną w ostatnich dwóch latach.",
                {"max_length": 3000},
            ),
        ],
    ),
]

# (name, type, voivodeship, city, address, postal code, regon prefix, nip prefix)
OFFICES = [
    (
        "Urząd Marszałkowski Województwa Małopolskiego",
        OfficeType.marshal,
        Voivodeship.malopolskie,
        "Kraków",
        "ul. Basztowa 22",
        "31-156",
        "35138000",
        "676214050",
    ),
    (
        "Urząd Marszałkowski Województwa Pomorskiego",
        OfficeType.marshal,
        Voivodeship.pomorskie,
        "Gdańsk",
        "ul. Okopowa 21/27",
        "80-810",
        "19168500",
        "583315301",
    ),
    (
        "Starostwo Powiatowe w Wieliczce",
        OfficeType.county,
        Voivodeship.malopolskie,
        "Wieliczka",
        "ul. Słowackiego 20",
        "32-020",
        "35155800",
        "683196800",
    ),
    (
        "Starostwo Powiatowe w Piasecznie",
        OfficeType.county,
        Voivodeship.mazowieckie,
        "Piaseczno",
        "ul. Chyliczkowska 14",
        "05-500",
        "01325900",
        "123119400",
    ),
    (
        "Starostwo Powiatowe w Bolesławcu",
        OfficeType.county,
        Voivodeship.dolnoslaskie,
        "Bolesławiec",
        "ul. Armii Krajowej 12",
        "59-700",
        "23081600",
        "612163000",
    ),
    (
        "Urząd Miasta Lublin",
        OfficeType.city,
        Voivodeship.lubelskie,
        "Lublin",
        "pl. Króla Władysława Łokietka 1",
        "20-109",
        "43125800",
        "946255700",
    ),
    (
        "Urząd Miejski w Gliwicach",
        OfficeType.city,
        Voivodeship.slaskie,
        "Gliwice",
        "ul. Zwycięstwa 21",
        "44-100",
        "27625600",
        "631100500",
    ),
    (
        "Urząd Miasta Rzeszowa",
        OfficeType.city,
        Voivodeship.podkarpackie,
        "Rzeszów",
        "ul. Rynek 1",
        "35-064",
        "69058100",
        "813000400",
    ),
    (
        "Urząd Gminy Dobrzyniewo Duże",
        OfficeType.municipal,
        Voivodeship.podlaskie,
        "Dobrzyniewo Duże",
        "ul. Białostocka 25",
        "16-002",
        "05066900",
        "966206500",
    ),
    (
        "Urząd Miasta i Gminy Łaziska",
        OfficeType.municipal,
        Voivodeship.swietokrzyskie,
        "Łaziska",
        "ul. Źródlana 3",
        "26-200",
        "29101200",
        "658187300",
    ),
    (
        "Urząd Gminy Kórnik",
        OfficeType.municipal,
        Voivodeship.wielkopolskie,
        "Kórnik",
        "pl. Niepodległości 1",
        "62-035",
        "63125700",
        "777000700",
    ),
    (
        "Urząd Gminy Żółkiewka",
        OfficeType.municipal,
        Voivodeship.lubelskie,
        "Żółkiewka",
        "ul. Zamojska 9",
        "22-335",
        "95066900",
        "564174400",
    ),
]

# Offices (by index) that have an account, and those whose application is submitted.
OFFICE_ACCOUNTS = [0, 2, 5, 8, 10]
SUBMITTED = [0, 2, 5, 8]
