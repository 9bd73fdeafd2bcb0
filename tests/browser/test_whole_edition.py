"""A whole edition in the browser (issue 13): stage 1 scored, the stage-2 list
confirmed, stage 2 scored, the ranking shown, the chapter names a laureate and
a special award, the results are published, and the office sees its award."""

from __future__ import annotations

from playwright.sync_api import expect

from app.awards.models import SpecialAward
from app.editions.models import CommentRule, EditionStatus
from app.offices.models import ApplicationStatus
from app.timeutil import utcnow
from tests.factories import PASSWORD


def _signed_in(browser, browser_context_args, url, email):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.goto(url + "/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_role("button", name="Wyloguj")).to_be_visible()
    return page


def _score(page, url, assignment_id, value):
    page.goto(f"{url}/assignments/{assignment_id}")
    page.get_by_label("Ocena").first.fill(str(value))
    page.get_by_role("button", name="Wyślij kartę").click()
    expect(page.locator(".flash-success")).to_be_visible()


def test_a_whole_edition(live_server, browser, browser_context_args, db, make):
    url = live_server.url
    edition = make.edition(
        status=EditionStatus.stage1, areas=0, name="Przyjazny Urząd 2027", categories=1
    )
    area = make.area(edition=edition, name="Standardy obsługi klienta")
    # No comment required, to keep the flow short (the jury flow test covers comments).
    never = CommentRule.never
    make.criterion(area=area, stage=1, name="Karta usług", max_score=10, comment_rule=never)
    make.criterion(area=area, stage=2, name="Obsługa w punkcie", max_score=10, comment_rule=never)
    db.session.add(SpecialAward(edition=edition, name="Urząd innowacyjny"))
    make.organizer(email="organizator@example.org")
    juror = make.juror(edition=edition, email="jurorka@example.org")
    juror.jury_memberships[0].conflicts_confirmed_at = utcnow()
    entries = {}
    for name, email in (
        ("Urząd Gminy Alfa", "alfa@urzad.pl"),
        ("Urząd Gminy Beta", "beta@urzad.pl"),
    ):
        office = make.office(name=name)
        make.office_user(office=office, email=email)
        entries[name] = make.application(
            edition=edition, office=office, status=ApplicationStatus.submitted
        )
    alfa, beta = entries.values()
    stage1 = {e.id: make.assignment(application=e, juror=juror).id for e in (alfa, beta)}
    db.session.commit()

    # Stage 1: the juror scores both entries.
    jurorka = _signed_in(browser, browser_context_args, url, "jurorka@example.org")
    _score(jurorka, url, stage1[alfa.id], 8)
    _score(jurorka, url, stage1[beta.id], 6)

    # The organizer confirms the proposed list, which closes stage 1.
    organizer = _signed_in(browser, browser_context_args, url, "organizator@example.org")
    organizer.goto(f"{url}/organizer/editions/{edition.id}/qualification")
    expect(organizer.get_by_text("Urząd Gminy Alfa")).to_be_visible()
    organizer.get_by_role("button", name="Zatwierdź listę i zamknij etap 1").click()
    expect(organizer.locator(".flash-success")).to_contain_text("Lista została zatwierdzona")

    # Stage 2: the juror is assigned and scores.
    db.session.expire_all()
    stage2 = {e.id: make.assignment(application=e, juror=juror, stage=2).id for e in (alfa, beta)}
    db.session.commit()
    _score(jurorka, url, stage2[alfa.id], 7)
    _score(jurorka, url, stage2[beta.id], 5)

    # Closing stage 2 freezes the ranking; Alfa leads.
    organizer.goto(f"{url}/organizer/editions/{edition.id}/phases")
    organizer.get_by_role("button", name="Przejdź do następnej fazy").click()
    expect(organizer.locator(".flash-success")).to_be_visible()
    organizer.goto(f"{url}/organizer/editions/{edition.id}/ranking")
    first_row = organizer.locator("table tbody tr").first
    expect(first_row).to_contain_text("Urząd Gminy Alfa")

    # The chapter names Alfa the laureate and gives Beta the statuette.
    category = edition.categories[0]
    organizer.goto(f"{url}/organizer/editions/{edition.id}/chapter/categories/{category.id}")
    award_form = organizer.locator("form").filter(
        has=organizer.get_by_role("button", name="Zapisz nagrodę")
    )
    award_form.get_by_label("Zgłoszenie").select_option(str(alfa.id))
    award_form.get_by_label("Laureat").check()
    award_form.get_by_label("Uzasadnienie").fill("Najlepsza obsługa klienta w kategorii")
    award_form.get_by_role("button", name="Zapisz nagrodę").click()
    expect(organizer.locator(".flash-success")).to_be_visible()
    special_form = organizer.locator("form").filter(
        has=organizer.get_by_role("button", name="Przyznaj nagrodę specjalną")
    )
    special_form.get_by_label("Zgłoszenie").select_option(str(beta.id))
    special_form.get_by_label("Uzasadnienie").fill("E-usługi dostępne dla wszystkich")
    special_form.get_by_role("button", name="Przyznaj nagrodę specjalną").click()
    expect(organizer.locator(".flash-success")).to_be_visible()

    # Publishing the results.
    organizer.goto(f"{url}/organizer/editions/{edition.id}/phases")
    organizer.get_by_role("button", name="Przejdź do następnej fazy").click()
    expect(organizer.locator(".flash-success")).to_be_visible()
    db.session.expire_all()
    assert edition.status is EditionStatus.results_published

    # Each office sees its own award.
    alfa_page = _signed_in(browser, browser_context_args, url, "alfa@urzad.pl")
    alfa_page.goto(f"{url}/applications/{alfa.id}")
    expect(alfa_page.get_by_text("Najlepsza obsługa klienta w kategorii")).to_be_visible()
    expect(alfa_page.locator("main")).to_contain_text("Laureat")
    beta_page = _signed_in(browser, browser_context_args, url, "beta@urzad.pl")
    beta_page.goto(f"{url}/applications/{beta.id}")
    expect(beta_page.locator("main")).to_contain_text("Urząd innowacyjny")
    expect(beta_page.locator("main")).not_to_contain_text("Najlepsza obsługa klienta")
