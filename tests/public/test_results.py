"""The public results pages: the archive and an edition's results, in both
languages; unpublished editions hidden; diploma verification links; the
cache emptied on publishing; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from app.awards.chapter import awards_of_edition
from app.awards.models import Diploma
from app.editions import phases
from app.editions.models import EditionStatus
from app.public import cache
from app.public.results import verify_url
from app.timeutil import utcnow
from tests.public.conftest import QueryCounter

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"


def _get(client, url):
    return client.get(url, headers={"User-Agent": BROWSER})


def _html(client, url):
    page = _get(client, url)
    assert page.status_code == 200, url
    return page.get_data(as_text=True)


def _diploma(db, award, code, *, version=1, revoked=False):
    diploma = Diploma(
        award_id=award.id,
        application_id=award.application_id,
        version=version,
        verification_code=code,
        generated_at=utcnow() - dt.timedelta(days=1),
        revoked_at=utcnow() if revoked else None,
        revoke_reason="Błąd w nazwie" if revoked else "",
    )
    db.session.add(diploma)
    db.session.commit()
    return diploma


def test_the_archive_lists_published_editions_newest_first_with_their_counts(
    client, make_results, request_ctx
):
    older = make_results(name="Przyjazny Urząd 2024", year=2024)
    newer = make_results(name="Przyjazny Urząd 2025", year=2025, categories=1)
    html = _html(client, "/results/")
    assert '<html lang="pl">' in html
    assert html.index("Przyjazny Urząd 2025") < html.index("Przyjazny Urząd 2024")
    for edition in (older.edition, newer.edition):
        assert f'href="/results/{edition.slug}"' in html
    assert "<dt>Zgłoszenia</dt><dd>3</dd>" in html
    assert "<dt>Laureaci</dt><dd>1</dd>" in html
    assert "<dt>Wyróżnienia</dt><dd>1</dd>" in html
    assert "<dt>Nagrody specjalne</dt><dd>1</dd>" in html
    assert "17 czerwca 2025, Pałac PAN w Jabłonnie" in html
    client.get("/language/en")
    html = _html(client, "/results/")
    assert '<html lang="en">' in html and "<dt>Laureates</dt><dd>1</dd>" in html
    assert "17 June 2025" in html


def test_an_edition_s_results_in_polish_and_english(client, make_results, request_ctx):
    r = make_results()
    url = f"/results/{r.edition.slug}"
    html = _html(client, url)
    for text in (
        f"Wyniki: {r.edition.name}",
        "Laureat kategorii",
        "Wyróżnienie w kategorii",
        "Urząd Alfa",
        "Wzorowa karta usług",
        "Urząd Beta",
        "Dostępność dla wszystkich",
        "Nagrody specjalne",
        "Innowacyjny urząd",
        "E-usługi bez wychodzenia z domu",
        "Kapituła nie wskazała laureata w tej kategorii.",
        "Brak zgłoszeń",
        "Warszawa, województwo mazowieckie",
        'href="/results/"',
    ):
        assert text in html, text
    # Per category, the laureate comes before the distinction; specials come last.
    assert html.index("Urząd Alfa") < html.index("Urząd Beta") < html.index("Innowacyjny urząd")
    client.get("/language/en")
    html = _html(client, url)
    for text in (
        f"Results: {r.edition.name}",
        "Laureate of the category",
        "Distinction in the category",
        "Special awards",
        "The chapter did not name a laureate in this category.",
        "Warszawa, mazowieckie voivodeship",
    ):
        assert text in html, text


def test_unknown_and_unpublished_editions_are_not_found(client, make, make_results, request_ctx):
    deliberating = make_results(publish=False, name="Kapituła obraduje")
    draft = make.edition(status=EditionStatus.draft, name="Szkic edycji")
    open_call = make.edition(name="Nabór trwa")
    for edition in (deliberating.edition, draft, open_call):
        assert _get(client, f"/results/{edition.slug}").status_code == 404
    assert _get(client, "/results/nie-ma-takiej-edycji").status_code == 404
    html = _html(client, "/results/")
    assert "Nie opublikowano jeszcze żadnych wyników." in html
    for name in ("Kapituła obraduje", "Szkic edycji", "Nabór trwa"):
        assert name not in html


def test_each_award_links_to_its_live_diploma_only(client, db, make_results, request_ctx):
    r = make_results()
    # The laureate's first diploma was revoked and replaced; the distinction's
    # only diploma is revoked; the special award has none.
    _diploma(db, r.awards["laureate"], "STARY-KOD", revoked=True)
    _diploma(db, r.awards["laureate"], "NOWY-KOD", version=2)
    _diploma(db, r.awards["distinction"], "ODWOLANY", revoked=True)
    html = _html(client, f"/results/{r.edition.slug}")
    assert 'href="/verify/NOWY-KOD"' in html
    assert "STARY-KOD" not in html and "ODWOLANY" not in html
    assert html.count("Sprawdź dyplom") == 1
    # The link names its office and award (links with one name lead one place).
    assert 'Sprawdź dyplom<span class="visually-hidden">: Urząd Alfa' in html


def test_verify_url_is_the_public_path(request_ctx):
    assert verify_url("AB12-CD34") == "/verify/AB12-CD34"


def test_publishing_and_diplomas_empty_the_cached_pages(
    client, db, make_results, organizer, request_ctx
):
    r = make_results(publish=False)
    url = f"/results/{r.edition.slug}"
    assert r.edition.name not in _html(client, "/results/")  # cached now
    assert _get(client, url).status_code == 404
    token = cache.current_token()
    phases.advance_phase(r.edition, actor=organizer, expected=EditionStatus.chapter)
    db.session.commit()
    assert cache.current_token() != token  # the phase move is an update() statement
    assert r.edition.name in _html(client, "/results/")
    assert "Wzorowa karta usług" in _html(client, url)
    # A diploma generated later, then revoked: the cached page follows.
    diploma = _diploma(db, r.awards["laureate"], "KOD-123")
    assert 'href="/verify/KOD-123"' in _html(client, url)
    diploma.revoked_at = utcnow()
    db.session.commit()
    assert "KOD-123" not in _html(client, url)


def test_the_home_page_links_to_the_results(client, make_results, request_ctx):
    r = make_results()
    html = _html(client, "/")
    assert 'href="/results/"' in html
    # The current edition's own results once they are public.
    assert f'href="/results/{r.edition.slug}"' in html
    assert r.edition.name in _html(client, "/results/")


def _build(make_results, size):
    for n in range(size):
        offices = {f"Urząd {size}-{n}-{k}": 90 - k for k in range(2 + size)}
        results = make_results(offices=offices, categories=1 + size, year=2020 + n)
    return results.edition


@pytest.mark.parametrize("url", ["/results/", "/results/{slug}"])
def test_the_results_pages_run_a_fixed_number_of_queries(
    db, client, make_results, request_ctx, url
):
    counts = {}
    for size in (1, 4):
        edition = _build(make_results, size)
        for award in awards_of_edition(edition):
            _diploma(db, award, f"KOD-{award.id}")
        target = url.format(slug=edition.slug)
        with QueryCounter(db.engine) as cold:
            assert _get(client, target).status_code == 200
        with QueryCounter(db.engine) as warm:
            assert _get(client, target).status_code == 200
        counts[size] = (len(cold), len(warm))
    assert counts[1] == counts[4], counts
    # Archive: token, the editions with their counts. An edition: token,
    # edition, categories, awards (with offices and special awards), the
    # current snapshot, positions, withheld categories, special awards,
    # diplomas. From the cache: the token alone.
    assert counts[1] == ((2, 1) if url == "/results/" else (9, 1)), counts


def test_an_archived_edition_stays_in_the_archive(client, db, make_results, organizer, request_ctx):
    r = make_results()
    phases.advance_phase(r.edition, actor=organizer, expected=EditionStatus.results_published)
    db.session.commit()
    assert r.edition.status is EditionStatus.archived
    assert f'href="/results/{r.edition.slug}"' in _html(client, "/results/")
    assert "Wzorowa karta usług" in _html(client, f"/results/{r.edition.slug}")
