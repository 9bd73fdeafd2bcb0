"""An organizer prepares an edition end to end in the browser: the edition,
two categories, criteria and a question, offices imported from a CSV file, a
juror invited by e-mail, and applications opened."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.audit.models import AuditEvent
from app.editions.models import Category, Criterion, Edition, EditionStatus, Question
from app.jury.models import JuryMembership, MembershipStatus
from app.offices.models import Office, OfficeType
from tests.factories import PASSWORD, valid_nip, valid_regon

HEADER = "nazwa,typ,województwo,miejscowość,adres,regon,nip,email\n"


def _csv_row(name: str, office_type: str, voivodeship: str, city: str, n: int, nip=None) -> str:
    return (
        f"{name},{office_type},{voivodeship},{city},ul. Rynek {n},"
        f"{valid_regon(n)},{nip or valid_nip(n)},urzad{n}@example.org\n"
    )


def _sign_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_text("Zalogowano jako", exact=False)).to_be_visible()


def _edition_menu(page):
    return page.get_by_role("navigation", name=re.compile("^Edycja "))


def test_organizer_prepares_an_edition_and_opens_applications(
    live_server, live_outbox, page, db, make, tmp_path
):
    organizer = make.organizer(email="organizator@example.org", full_name="Ewa Organizator")
    db.session.commit()
    _sign_in(page, live_server, organizer.email)

    # 1. The edition, with the application window typed in the date-time inputs.
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Edycje").click()
    page.get_by_role("link", name="Nowa edycja").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nowa edycja")
    page.get_by_label("Nazwa", exact=True).fill("Przyjazny Urząd 2027")
    page.get_by_label("Nazwa w adresie (slug)").fill("przyjazny-urzad-2027")
    page.get_by_label("Rok").fill("2027")
    page.get_by_label("Początek przyjmowania zgłoszeń").fill("2027-03-01T09:00")
    page.get_by_label("Koniec przyjmowania zgłoszeń").fill("2027-04-30T16:00")
    page.get_by_role("button", name="Zapisz").click()
    expect(page.get_by_text("Utworzono edycję „Przyjazny Urząd 2027”.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Przyjazny Urząd 2027")
    expect(page.get_by_text("Faza: Wersja robocza")).to_be_visible()
    expect(page.get_by_text("Początek przyjmowania zgłoszeń: 1 marca 2027, 09:00")).to_be_visible()
    expect(
        page.get_by_text("Koniec przyjmowania zgłoszeń: 30 kwietnia 2027, 16:00")
    ).to_be_visible()

    # 2. Two categories, the second one for municipal offices only.
    _edition_menu(page).get_by_role("link", name="Kategorie").click()
    page.get_by_role("link", name="Nowa kategoria").click()
    page.get_by_label("Nazwa").fill("Urzędy wszystkich typów")
    page.get_by_role("button", name="Zapisz").click()
    page.get_by_role("link", name="Nowa kategoria").click()
    page.get_by_label("Nazwa").fill("Urzędy gmin")
    page.get_by_label("Opis").fill("Tylko urzędy gmin wiejskich i miejsko-wiejskich.")
    types = page.get_by_role("group", name="Rodzaje urzędów, które mogą się zgłaszać")
    types.get_by_label("Urząd gminy").check()
    page.get_by_label("Kolejność").fill("2")
    page.get_by_role("button", name="Zapisz").click()
    categories = page.get_by_role("table", name="Kategorie edycji Przyjazny Urząd 2027")
    expect(
        categories.get_by_role("row", name=re.compile("Urzędy wszystkich typów"))
    ).to_contain_text("Dowolne")
    expect(categories.get_by_role("row", name=re.compile("Urzędy gmin "))).to_contain_text(
        "Urząd gminy"
    )

    # 3. An area, a criterion for each stage and one questionnaire question.
    _edition_menu(page).get_by_role("link", name="Kryteria i kwestionariusz").click()
    page.get_by_role("link", name="Nowy obszar").click()
    page.get_by_label("Nazwa").fill("Standardy obsługi klienta")
    page.get_by_role("button", name="Zapisz").click()
    for stage, name, max_score, weight in (
        ("Etap I", "Karta usług i jej dostępność", "10", "1.5"),
        ("Etap II", "Wizyta tajemniczego klienta", "20", "2"),
    ):
        page.get_by_role("link", name="Nowe kryterium").click()
        page.get_by_label("Obszar", exact=True).select_option(label="Standardy obsługi klienta")
        page.get_by_label("Etap", exact=True).select_option(label=stage)
        page.get_by_label("Nazwa").fill(name)
        page.get_by_label("Wskazówki dla jurorów").fill("Ocena według karty oceny.")
        page.get_by_label("Maksymalna liczba punktów").fill(max_score)
        page.get_by_label("Waga").fill(weight)
        page.get_by_role("button", name="Zapisz").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kryteria i kwestionariusz")
    page.get_by_role("link", name="Nowe pytanie").click()
    page.get_by_label("Obszar", exact=True).select_option(label="Standardy obsługi klienta")
    page.get_by_label("Rodzaj odpowiedzi").select_option(label="Tekst")
    page.get_by_label("Pytanie", exact=True).fill("Opisz standardy obsługi klienta w urzędzie")
    page.get_by_role("button", name="Zapisz").click()
    criteria = page.get_by_role("table", name="Kryteria w obszarze Standardy obsługi klienta")
    expect(criteria.get_by_role("row")).to_have_count(3)  # header + 2 criteria
    expect(
        criteria.get_by_role("row", name=re.compile("Wizyta tajemniczego klienta"))
    ).to_contain_text("20")
    questions = page.get_by_role(
        "table", name="Pytania kwestionariusza w obszarze Standardy obsługi klienta"
    )
    expect(questions).to_contain_text("Opisz standardy obsługi klienta w urzędzie")

    # 4. Offices from a CSV file: checked first, imported after confirmation.
    registry = tmp_path / "urzędy.csv"
    registry.write_text(
        HEADER
        + _csv_row("Urząd Gminy Zielonka", "gmina", "mazowieckie", "Zielonka", 9101)
        + _csv_row("Urząd Miasta Gdyni", "miasto", "pomorskie", "Gdynia", 9102)
        + _csv_row("Starostwo Powiatowe w Bochni", "powiat", "małopolskie", "Bochnia", 9103),
        encoding="utf-8",
    )
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Urzędy").click()
    page.get_by_role("link", name="Import z pliku").click()
    page.get_by_label("Plik (CSV lub XLSX)").set_input_files(str(registry))
    page.get_by_role("button", name="Sprawdź plik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sprawdź import")
    expect(page.get_by_text("Poprawne: 3")).to_be_visible()
    expect(page.get_by_text("Z błędami: 0")).to_be_visible()
    preview = page.get_by_role("table", name=re.compile("Poprawne wiersze"))
    expect(preview.get_by_role("row")).to_have_count(4)
    expect(preview).to_contain_text("Starostwo Powiatowe w Bochni")
    assert db.session.query(Office).count() == 0  # nothing saved before the confirmation
    page.get_by_role("button", name="Importuj").click()
    expect(page.get_by_text("Zaimportowano 3 urzędy.")).to_be_visible()
    offices = page.get_by_role("table", name="Zarejestrowane urzędy")
    for name in ("Urząd Gminy Zielonka", "Urząd Miasta Gdyni", "Starostwo Powiatowe w Bochni"):
        expect(offices.get_by_role("link", name=name)).to_be_visible()
    expect(offices.get_by_role("row", name=re.compile("Urząd Miasta Gdyni"))).to_contain_text(
        "pomorskie"
    )

    # 5. A juror invited by e-mail from the edition's jury page.
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Edycje").click()
    page.get_by_role("link", name="Przyjazny Urząd 2027", exact=True).click()
    _edition_menu(page).get_by_role("link", name="Jury").click()
    page.get_by_label("E-mail").fill("jan.juror@example.org")
    page.get_by_label("Imię i nazwisko").fill("Jan Juror")
    page.get_by_role("button", name="Zaproś").click()
    expect(
        page.get_by_text("Zaproszenie zostało wysłane na adres jan.juror@example.org.")
    ).to_be_visible()
    jury = page.get_by_role("table", name="Jury tej edycji")
    expect(jury.get_by_role("row", name=re.compile("Jan Juror"))).to_contain_text(
        "Zaproszenie wysłane"
    )
    assert len(live_outbox) == 1
    invitation = live_outbox[0]
    assert invitation.to == "jan.juror@example.org"
    match = re.search(r"https?://\S+/jury/invitation/\S+", invitation.body)
    assert match, invitation.body
    assert match.group(0).startswith(live_server.url)
    assert invitation.subject == "Laurel: zaproszenie do jury edycji Przyjazny Urząd 2027"

    # 6. Applications open: the phases page and the dashboard say so.
    _edition_menu(page).get_by_role("link", name="Fazy").click()
    expect(page.get_by_text("nie może jeszcze przejść", exact=False)).to_have_count(0)
    page.get_by_role("button", name="Przejdź do następnej fazy").click()
    expect(page.get_by_text("Edycja jest teraz w fazie „Nabór zgłoszeń otwarty”.")).to_be_visible()
    expect(page.get_by_text("Bieżąca faza: Nabór zgłoszeń otwarty")).to_be_visible()
    _edition_menu(page).get_by_role("link", name="Pulpit").click()
    expect(page.get_by_text("Faza: Nabór zgłoszeń otwarty")).to_be_visible()

    # The e-mailed link opens the invitation for the juror (a browser with no session).
    juror_context = page.context.browser.new_context(locale="pl-PL")
    juror_page = juror_context.new_page()
    juror_page.goto(match.group(0))
    expect(juror_page.get_by_role("heading", level=1)).to_have_text("Zaproszenie do jury")
    expect(juror_page.get_by_text("Jan Juror", exact=False).first).to_be_visible()
    juror_context.close()

    # What the browser did is in the database, and in the audit log.
    db.session.expire_all()
    edition = db.session.query(Edition).one()
    assert edition.status is EditionStatus.applications_open
    assert edition.slug == "przyjazny-urzad-2027"
    assert edition.applications_close_at.isoformat() == "2027-04-30T14:00:00"  # 16:00 CEST
    restricted = db.session.query(Category).filter_by(name="Urzędy gmin").one()
    assert restricted.allowed_office_types == [OfficeType.municipal.value]
    assert sorted((c.stage, c.max_score, float(c.weight)) for c in db.session.query(Criterion)) == [
        (1, 10, 1.5),
        (2, 20, 2.0),
    ]
    assert db.session.query(Question).count() == 1
    assert db.session.query(Office).count() == 3
    membership = db.session.query(JuryMembership).one()
    assert membership.status is MembershipStatus.invited
    assert db.session.query(AuditEvent).filter_by(actor_id=organizer.id).count() >= 9


def test_import_with_a_bad_nip_reports_the_line_and_imports_only_on_request(
    live_server, page, db, make, tmp_path
):
    organizer = make.organizer()
    db.session.commit()
    bad_nip = valid_nip(9202)[:-1] + str((int(valid_nip(9202)[-1]) + 1) % 10)
    registry = tmp_path / "urzedy.csv"
    registry.write_text(
        HEADER
        + _csv_row("Urząd Gminy Pcim", "gmina", "małopolskie", "Pcim", 9201)
        + _csv_row("Urząd Miasta Kutno", "miasto", "łódzkie", "Kutno", 9202, nip=bad_nip),
        encoding="utf-8",
    )
    _sign_in(page, live_server, organizer.email)
    page.goto(live_server.url + "/organizer/offices/import")
    page.get_by_label("Plik (CSV lub XLSX)").set_input_files(str(registry))
    page.get_by_role("button", name="Sprawdź plik").click()

    errors = page.get_by_role("table", name="Wiersze z błędami")
    row = errors.get_by_role("row").nth(1)
    expect(row.get_by_role("cell").nth(0)).to_have_text("3")
    expect(row.get_by_role("cell").nth(1)).to_have_text(
        f"NIP {bad_nip} ma błędną cyfrę kontrolną lub długość"
    )

    # Confirming without choosing "only the valid rows" imports nothing.
    page.get_by_role("button", name="Importuj").click()
    expect(
        page.get_by_text(
            "Plik ma wiersze z błędami (1); nic nie zostało zaimportowane.", exact=False
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sprawdź import")
    assert db.session.query(Office).count() == 0

    page.get_by_label("Zaimportuj tylko poprawne wiersze i pomiń wiersze z błędami").check()
    page.get_by_role("button", name="Importuj").click()
    expect(page.get_by_text("Zaimportowano 1 urząd.")).to_be_visible()
    offices = page.get_by_role("table", name="Zarejestrowane urzędy")
    expect(offices.get_by_role("link", name="Urząd Gminy Pcim")).to_be_visible()
    expect(offices.get_by_role("link", name="Urząd Miasta Kutno")).to_have_count(0)
    db.session.expire_all()
    assert [o.name for o in db.session.query(Office)] == ["Urząd Gminy Pcim"]
