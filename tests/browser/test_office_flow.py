"""An office registers, is approved, fills in its application, uploads a PDF,
submits it and finds it locked."""

from __future__ import annotations

from playwright.sync_api import expect

from app.editions.models import QuestionKind
from app.offices.models import Application, ApplicationStatus, Office, OfficeStatus
from tests.factories import PASSWORD, valid_nip, valid_regon

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_office_registers_applies_and_submits(live_server, page, db, make, tmp_path):
    edition = make.edition(areas=0, name="Przyjazny Urząd 2026")
    area = make.area(edition=edition, name="Standardy obsługi klienta")
    make.criterion(area=area)
    make.question(area=area, prompt="Opisz standard obsługi", max_length=500)
    make.question(area=area, kind=QuestionKind.yes_no, prompt="Czy urząd ma certyfikat ISO 9001?")
    make.question(
        area=area,
        kind=QuestionKind.number,
        prompt="Liczba stanowisk obsługi",
        min_value=0,
        max_value=200,
    )
    db.session.commit()

    # Registration, reached from the sign-in page.
    page.goto(live_server.url + "/account/login")
    page.get_by_role("link", name="Zarejestruj urząd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zarejestruj urząd")
    page.get_by_label("Nazwa urzędu").fill("Urząd Gminy Zielonka")
    page.get_by_label("Typ urzędu").select_option("municipal")
    page.get_by_label("Województwo").select_option("mazowieckie")
    page.get_by_label("Miejscowość").fill("Zielonka")
    page.get_by_label("Ulica i numer").fill("ul. Literacka 20")
    page.get_by_label("Kod pocztowy").fill("05-220")
    page.get_by_label("REGON").fill(valid_regon(7001))
    page.get_by_label("NIP").fill(valid_nip(7001))
    page.get_by_label("Osoba do kontaktu").fill("Anna Nowak")
    page.get_by_label("E-mail").fill("anna@zielonka.example.org")
    page.get_by_label("Hasło", exact=True).fill(PASSWORD)
    page.get_by_label("Powtórz hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zarejestruj urząd").click()
    expect(page.get_by_text("Urząd został zarejestrowany.", exact=False)).to_be_visible()

    # Signed in before approval: only the waiting page.
    page.get_by_label("E-mail").fill("anna@zielonka.example.org")
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.get_by_role("link", name="Moje zgłoszenia").click()
    expect(page.get_by_text("Rejestracja oczekuje na potwierdzenie", exact=False)).to_be_visible()

    # The organizer approves the office (their pages are another part of Laurel).
    office = db.session.query(Office).filter_by(name="Urząd Gminy Zielonka").one()
    office.status = OfficeStatus.approved
    db.session.commit()

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Urząd Gminy Zielonka")
    page.get_by_role("link", name="Zgłoś urząd").click()
    page.get_by_role("button", name="Rozpocznij zgłoszenie").click()
    expect(page.get_by_text("Zgłoszenie zostało utworzone", exact=False)).to_be_visible()

    # The questionnaire: one section per area.
    section = page.get_by_role("group", name="Standardy obsługi klienta")
    section.get_by_label("Opisz standard obsługi").fill("Karta usług w każdym wydziale.")
    section.get_by_label("Tak").check()
    section.get_by_label("Liczba stanowisk obsługi").fill("250")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    expect(page.get_by_text("Niczego nie zapisano", exact=False)).to_be_visible()
    # The typed text survived the error.
    expect(section.get_by_label("Opisz standard obsługi")).to_have_value(
        "Karta usług w każdym wydziale."
    )
    section.get_by_label("Liczba stanowisk obsługi").fill("12")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    expect(page.get_by_text("Odpowiedzi zostały zapisane.")).to_be_visible()

    # A document.
    pdf = tmp_path / "Karta usług.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Plik").set_input_files(str(pdf))
    page.get_by_role("button", name="Prześlij").click()
    expect(page.get_by_text("Plik Karta usług.pdf został przesłany.")).to_be_visible()

    # Submission.
    page.get_by_role("link", name="Przejdź do wysłania").first.click()
    expect(
        page.get_by_text("Zgłoszenie zawiera wszystko, co wymagane.", exact=False)
    ).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    expect(page.get_by_text("Zgłoszenie zostało wysłane. Dziękujemy!")).to_be_visible()
    expect(page.get_by_text("zablokowane", exact=False)).to_be_visible()
    expect(page.get_by_text("Karta usług w każdym wydziale.")).to_be_visible()
    expect(page.get_by_role("link", name="Edytuj zgłoszenie")).to_have_count(0)

    db.session.expire_all()
    application = db.session.query(Application).one()
    assert application.status is ApplicationStatus.submitted

    # Locked: the edit page sends the office back to the read-only view.
    page.goto(f"{live_server.url}/office/applications/{application.id}")
    expect(page).to_have_url(f"{live_server.url}/applications/{application.id}")
