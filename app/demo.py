"""The demo edition: the first "Przyjazny Urząd" quality mark, ready to click through.

`seed_demo()` is idempotent: it looks for what it would create (by the edition's
slug and by e-mail) and creates only what is missing.
"""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.editions.models import (
    Area,
    Category,
    Criterion,
    Edition,
    EditionStatus,
    Question,
    QuestionKind,
)
from app.extensions import db
from app.jury.models import JuryMembership, MembershipStatus
from app.offices.models import (
    Answer,
    Application,
    ApplicationStatus,
    Document,
    Office,
    OfficeStatus,
    OfficeType,
    Voivodeship,
)
from app.offices.uploads import store_document
from app.offices.validators import complete_nip, complete_regon
from app.timeutil import from_local, utcnow

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


def _nip(prefix9: str) -> str:
    # Walk the last digit until the checksum exists (one in eleven prefixes has none).
    for bump in range(10):
        candidate = complete_nip(prefix9[:8] + str((int(prefix9[8]) + bump) % 10))
        if candidate:
            return candidate
    raise ValueError(prefix9)


def _user(email: str, name: str, role: Role, office: Office | None = None) -> tuple[User, bool]:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user:
        return user, False
    user = User(email=email, full_name=name, role=role, office=office, email_confirmed_at=utcnow())
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user, True


def _demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF, so demo entries carry real evidence files."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>stream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\nstartxref\n"
    out += str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


def _demo_document(area: Area) -> Document:
    # Stored the way an office's upload is: sniffed, hashed, named by the server.
    data = _demo_pdf("Karta uslug")
    stored = store_document(io.BytesIO(data), "karta-uslug.pdf", max_bytes=len(data))
    return Document(
        area=area,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
    )


def _answer_for(question: Question, office: Office) -> Answer:
    if question.kind is QuestionKind.yes_no:
        return Answer(question=question, bool_value=len(office.name) % 2 == 0)
    if question.kind is QuestionKind.number:
        return Answer(
            question=question, number_value=min(question.max_value or 50, 4 + len(office.city))
        )
    return Answer(
        question=question,
        text_value=f"{office.name}: {question.prompt.rstrip('?.').lower()} — opis przygotowany na potrzeby demonstracji.",
    )


def seed_demo() -> dict[str, int]:
    """Create the demo edition, its people and entries; return what was created."""
    created = {"users": 0, "offices": 0, "editions": 0, "applications": 0}
    organizer, new = _user(*ORGANIZER, Role.organizer)
    created["users"] += new
    jurors = []
    for email, name in JURORS:
        juror, new = _user(email, name, Role.juror)
        created["users"] += new
        jurors.append(juror)

    offices = []
    for name, otype, voiv, city, address, postal, regon8, nip9 in OFFICES:
        office = db.session.scalar(sa.select(Office).where(Office.name == name))
        if office is None:
            office = Office(
                name=name,
                office_type=otype,
                voivodeship=voiv,
                city=city,
                address=address,
                postal_code=postal,
                regon=complete_regon(regon8),
                nip=_nip(nip9),
                contact_name="Sekretarz",
                contact_email=f"sekretariat{len(offices) + 1}@urzad.laurel.example",
                status=OfficeStatus.approved,
            )
            db.session.add(office)
            created["offices"] += 1
        offices.append(office)
    db.session.flush()
    for i in OFFICE_ACCOUNTS:
        _, new = _user(
            f"urzad{i + 1}@laurel.example",
            f"Koordynator — {offices[i].city}",
            Role.office,
            offices[i],
        )
        created["users"] += new

    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == EDITION_SLUG))
    if edition is None:
        year = utcnow().year
        edition = Edition(
            name=f"Przyjazny Urząd — I edycja {year}",
            slug=EDITION_SLUG,
            year=year,
            description="Znak jakości dla urzędów administracji publicznej, które najlepiej obsługują mieszkańców.",
            organizer_name="Instytut Jakości Administracji Publicznej",
            status=EditionStatus.applications_open,
            applications_open_at=from_local(dt.datetime(year, 1, 1, 0, 0)),
            applications_close_at=from_local(dt.datetime(year + 1, 1, 31, 23, 59)),
            stage1_start=dt.date(year + 1, 2, 1),
            stage1_end=dt.date(year + 1, 3, 15),
            stage2_start=dt.date(year + 1, 3, 16),
            stage2_end=dt.date(year + 1, 5, 15),
            chapter_date=dt.date(year + 1, 5, 30),
            results_date=dt.date(year + 1, 6, 5),
            gala_date=dt.date(year + 1, 6, 20),
            gala_place="Zamek Królewski w Warszawie",
        )
        for pos, (name, desc, types) in enumerate(CATEGORIES):
            edition.categories.append(
                Category(
                    name=name,
                    description=desc,
                    position=pos,
                    allowed_office_types=[t.value for t in types],
                )
            )
        for pos, (area_name, criteria, questions) in enumerate(AREAS):
            area = Area(name=area_name, position=pos)
            for cpos, (stage, cname, max_score, weight, guidance) in enumerate(criteria):
                area.criteria.append(
                    Criterion(
                        stage=stage,
                        name=cname,
                        max_score=max_score,
                        weight=weight,
                        guidance=guidance,
                        position=cpos,
                    )
                )
            for qpos, (kind, prompt, extra) in enumerate(questions):
                area.questions.append(Question(kind=kind, prompt=prompt, position=qpos, **extra))
            edition.areas.append(area)
        db.session.add(edition)
        db.session.flush()
        created["editions"] += 1

        for juror in jurors:
            db.session.add(
                JuryMembership(
                    edition=edition,
                    user=juror,
                    status=MembershipStatus.accepted,
                    responded_at=utcnow(),
                )
            )
        questions = [q for a in edition.areas for q in a.questions]
        for i in OFFICE_ACCOUNTS:
            office = offices[i]
            category = next(c for c in edition.categories if c.admits(office.office_type))
            application = Application(edition=edition, office=office, category=category)
            application.answers = [_answer_for(q, office) for q in questions]
            if i in SUBMITTED:
                application.documents.append(_demo_document(edition.areas[0]))
                application.status = ApplicationStatus.submitted
                application.submitted_at = utcnow()
            db.session.add(application)
            created["applications"] += 1
    db.session.flush()
    return created
