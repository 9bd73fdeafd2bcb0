"""Consensus review in the browser: three jurors score an entry, the lead
drafts the consensus, one juror objects, the lead revises, all agree, and the
organizer's ranking shows the agreed score; and the blinded qualification page
(issue 17, item 6) shows codes and no office's name."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.editions.models import CommentRule, EditionStatus
from app.jury.consensus.models import Consensus, ConsensusStatus
from app.offices.models import ApplicationStatus
from app.timeutil import utcnow
from tests.factories import PASSWORD


def _signed_in(browser, browser_context_args, url, email):
    page = browser.new_context(**browser_context_args).new_page()
    page.goto(url + "/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_role("button", name="Wyloguj się")).to_be_visible()
    return page


def test_three_jurors_reach_a_consensus(live_server, browser, browser_context_args, db, make):
    edition = make.edition(
        status=EditionStatus.stage1, areas=0, name="Przyjazny Urząd 2026", consensus_stage1=True
    )
    area = make.area(edition=edition, name="Standardy obsługi klienta")
    for position, name in enumerate(("Karta usług", "Czas oczekiwania")):
        make.criterion(
            area=area,
            stage=1,
            name=name,
            max_score=10,
            comment_rule=CommentRule.never,
            position=position,
        )
    office = make.office(name="Urząd Gminy Zielonka")
    entry = make.application(edition=edition, office=office, status=ApplicationStatus.submitted)
    jurors = []
    for n, name in enumerate(("Anna Adamska", "Bogdan Borowski", "Celina Cichy")):
        juror = make.juror(edition=edition, email=f"juror{n}@example.org", full_name=name)
        juror.jury_memberships[0].conflicts_confirmed_at = utcnow()
        make.assignment(application=entry, juror=juror)
        jurors.append(juror)
    make.organizer(email="org@example.org")
    db.session.commit()
    url = live_server.url

    # Each juror scores the entry alone: 6/7, 8/8 and 7/9.
    pages = []
    for n, values in enumerate((("6", "7"), ("8", "8"), ("7", "9"))):
        page = _signed_in(browser, browser_context_args, url, f"juror{n}@example.org")
        page.goto(url + f"/jury/editions/{edition.id}/entries?stage=1")
        page.get_by_role("link", name="Oceń: Urząd Gminy Zielonka").click()
        page.get_by_label("Ocena").first.fill(values[0])
        page.get_by_label("Ocena").nth(1).fill(values[1])
        page.get_by_role("button", name="Wyślij kartę").click()
        expect(page.get_by_text("Karta ocen została wysłana.")).to_be_visible()
        pages.append(page)

    # The last sheet opened the review; Anna (first assigned) leads it.
    lead, objector, third = pages
    lead.reload()
    lead.get_by_role("link", name="Ocena konsensusowa: Urząd Gminy Zielonka").click()
    expect(lead.get_by_role("heading", name="Niezależne karty obok siebie")).to_be_visible()
    # Prefilled with the rounded means: 7 and 8.
    expect(lead.get_by_label("Ocena konsensusowa").first).to_have_value("7")
    expect(lead.get_by_label("Ocena konsensusowa").nth(1)).to_have_value("8")
    lead.get_by_label("Ocena konsensusowa").nth(1).fill("9")
    lead.get_by_role("button", name="Zapisz nową wersję").click()
    expect(lead.locator(".flash-success")).to_contain_text("Zapisano wersję 1")

    # Bogdan objects to version 1, with a comment.
    objector.goto(url + f"/jury/editions/{edition.id}/entries?stage=1")
    objector.get_by_role("link", name="Ocena konsensusowa: Urząd Gminy Zielonka").click()
    objector.get_by_label("Zgłaszam sprzeciw (uzasadnij poniżej)").check()
    objector.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(objector.locator("#error-summary")).to_be_focused()  # the comment is required
    objector.get_by_label("Zgłaszam sprzeciw (uzasadnij poniżej)").check()
    objector.get_by_label("Komentarz").fill("Czas oczekiwania: 9 to za dużo, wystarczy 8.")
    objector.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(objector.locator(".flash-success")).to_be_visible()

    # The lead reads the objection and revises: version 2.
    lead.reload()
    expect(lead.get_by_text("Czas oczekiwania: 9 to za dużo, wystarczy 8.")).to_be_visible()
    lead.get_by_label("Ocena konsensusowa").nth(1).fill("8")
    lead.get_by_label("Uwaga dla pozostałych jurorów (opcjonalnie)").fill("Przyjęta uwaga Bogdana.")
    lead.get_by_role("button", name="Zapisz nową wersję").click()
    expect(lead.locator(".flash-success")).to_contain_text("Zapisano wersję 2")

    # Both others agree with version 2: the consensus is final.
    for page in (objector, third):
        page.goto(url + f"/jury/editions/{edition.id}/entries?stage=1")
        page.get_by_role("link", name="Ocena konsensusowa: Urząd Gminy Zielonka").click()
        expect(page.get_by_role("heading", name="Konsensus, wersja 2")).to_be_visible()
        page.get_by_label("Zgadzam się z tym konsensusem").check()
        page.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(third.locator(".flash-success")).to_contain_text("konsensus jest ostateczny")

    db.session.expire_all()
    consensus = db.session.scalars(sa.select(Consensus)).one()
    assert consensus.status is ConsensusStatus.final and len(consensus.versions) == 2

    # The organizer's stage-1 ranking uses the agreed 7 + 8 of 20: 75 %.
    organizer = _signed_in(browser, browser_context_args, url, "org@example.org")
    organizer.goto(url + f"/organizer/editions/{edition.id}/ranking?stage=1&mode=raw")
    row = organizer.get_by_role("row", name="Urząd Gminy Zielonka")
    expect(row).to_contain_text("75.00")
    expect(organizer.get_by_role("columnheader", name="Etap I – konsensus")).to_be_visible()
    for page in (*pages, organizer):
        page.context.close()


def test_the_blinded_qualification_page_shows_codes_only(
    live_server, browser, browser_context_args, db, make
):
    """Issue 17: an organizer chooses the blinded view of a blinded edition's
    qualification page: codes, and no office's name, town, REGON or NIP
    anywhere in its HTML; the other view shows code and name."""
    from app.results import blinding

    edition = make.edition(
        status=EditionStatus.stage1, areas=0, name="Przyjazny Urząd 2026", blind_chapter=True
    )
    area = make.area(edition=edition, name="Standardy obsługi klienta")
    criterion = make.criterion(
        area=area, stage=1, name="Karta usług", max_score=10, comment_rule=CommentRule.never
    )
    juror = make.juror(edition=edition, full_name="Anna Adamska")
    offices = [make.office(name=n) for n in ("Urząd Gminy Zielonka", "Starostwo Powiatowe w Kole")]
    for office, value in zip(offices, (8, 6), strict=True):
        entry = make.application(edition=edition, office=office, status=ApplicationStatus.submitted)
        make.sheet(application=entry, juror=juror, values={criterion: value})
    blinding.assign_codes(edition)
    make.organizer(email="org@example.org")
    db.session.commit()
    url = live_server.url

    page = _signed_in(browser, browser_context_args, url, "org@example.org")
    page.goto(url + f"/organizer/editions/{edition.id}/qualification")
    named = page.get_by_role("link", name=re.compile(r"^K-\d{4} · Urząd Gminy Zielonka$"))
    expect(named).to_be_visible()
    page.get_by_role("button", name="Pokaż kody zamiast nazw").click()
    expect(page.locator(".flash-success")).to_contain_text("Widok zaślepiony")
    expect(page).to_have_url(url + f"/organizer/editions/{edition.id}/qualification")
    html = page.content()
    for office in offices:
        for text in (office.name, office.city, office.regon, office.nip):
            assert text not in html
    codes = [blinding.format_code(n) for n in blinding.codes_of(edition).values()]
    for code in codes:
        expect(page.get_by_role("cell", name=code, exact=True)).to_be_visible()
    page.get_by_role("button", name="Pokaż nazwy").click()
    expect(named).to_be_visible()
    page.context.close()
