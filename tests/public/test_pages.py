"""Every public and organizer page of the public site, in Polish and English."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from app.editions.models import EditionStatus
from app.public import services
from app.timeutil import utcnow
from tests.public.conftest import upload


@pytest.fixture
def site(db, make, make_post, organizer, request_ctx):
    edition = make.edition(
        name="Przyjazny Urząd 2027",
        slug="pu-2027",
        organizer_name="Instytut Jakości",
        gala_date=dt.date(2027, 6, 20),
        gala_place="Pałac w Jabłonnie",
    )
    post = make_post("Gala w Jabłonnie", photos=2, edition=edition)
    services.save_rules(edition, actor=organizer, body_pl="<p>Regulamin PL</p>", body_en="")
    attachment = services.add_rules_attachment(
        edition,
        actor=organizer,
        upload=upload(b"%PDF-1.4\n%%EOF\n", "regulamin.pdf"),
        title="Regulamin (PDF)",
    )
    db.session.commit()
    return SimpleNamespace(
        edition=edition, post=post, photo=post.photos[0], attachment=attachment, organizer=organizer
    )


PUBLIC = [
    ("/", "Najnowsze aktualności", "Latest news"),
    ("/news/", "Wszystkie edycje", "All editions"),
    ("/news/?edition={edition}", "Aktualności: Przyjazny Urząd 2027", "News: Przyjazny Urząd 2027"),
    ("/news/{post}", "Liczba wyświetleń:", "Number of views:"),
    (
        "/news/{post}/photos/{photo}",
        "Pobierz zdjęcie w pełnym rozmiarze",
        "Download the full-size photo",
    ),
    ("/editions/{edition}/apply-info", "Kto może się zgłosić", "Who may apply"),
    ("/editions/{edition}/rules", "Regulamin edycji", "Rules of the edition"),
    ("/accessibility", "Deklaracja dostępności", "Accessibility statement"),
    ("/privacy", "Administrator danych", "Controller"),
]
ORGANIZER = [
    ("/organizer/news/", "Strony serwisu", "Site pages"),
    ("/organizer/news/new", "Nowy wpis", "New post"),
    ("/organizer/news/{post_id}", "Dodaj zdjęcie", "Add a photo"),
    ("/organizer/site/accessibility", "Tekst po polsku", "Text in Polish"),
    ("/organizer/site/privacy", "Tekst po angielsku", "Text in English"),
    ("/organizer/editions/{edition_id}/rules", "Dodaj załącznik", "Add an attachment"),
]


def _url(template, site):
    return template.format(
        edition=site.edition.slug,
        edition_id=site.edition.id,
        post=site.post.slug,
        post_id=site.post.id,
        photo=site.photo.id,
    )


@pytest.mark.parametrize(("url", "polish", "english"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_pages_in_both_languages(client, site, url, polish, english):
    url = _url(url, site)
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="pl">' in html and polish in html
    assert english not in html or english == polish
    client.get("/language/en")
    html = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in html and english in html


@pytest.mark.parametrize(("url", "polish", "english"), ORGANIZER, ids=[p[0] for p in ORGANIZER])
def test_organizer_pages_in_both_languages(client, auth, site, url, polish, english):
    auth.login(site.organizer)
    url = _url(url, site)
    client.get("/language/pl")
    page = client.get(url)
    assert page.status_code == 200 and polish in page.get_data(as_text=True)
    client.get("/language/en")
    assert english in client.get(url).get_data(as_text=True)


def test_the_post_page_shows_what_the_issue_asks(client, site):
    html = client.get(f"/news/{site.post.slug}").get_data(as_text=True)
    for text in (
        "Gala w Jabłonnie",
        "Wstęp do wpisu.",
        "<p>Treść wpisu.</p>",
        "Anna Kowalska",  # the byline
        "Wprowadzenie",
        "Olga Organizatorka",  # who entered it
        "Opublikowano",
        "fot. Jan Fotograf",
        "Podpis 1",
        'alt="Zdjęcie 1 z gali"',
        "Liczba wyświetleń: <strong>1</strong>",
        'href="/news/">Powrót do listy aktualności',
    ):
        assert text in html, text
    # Open Graph: title, lead and the first photo, with absolute addresses.
    assert '<meta property="og:title" content="Gala w Jabłonnie">' in html
    assert '<meta property="og:description" content="Wstęp do wpisu.">' in html
    assert (
        f'<meta property="og:image" content="http://localhost/news/photos/{site.photo.id}/image">'
        in html
    )
    assert '<meta property="og:image:alt" content="Zdjęcie 1 z gali">' in html
    assert 'type="application/atom+xml"' in html


def test_updated_time_appears_after_an_edit(client, site, db):
    services.update_post(
        site.post,
        actor=site.organizer,
        data=services.PostData(title="Gala w Jabłonnie", body="Poprawiona treść."),
    )
    db.session.commit()
    html = client.get(f"/news/{site.post.slug}").get_data(as_text=True)
    assert "Zaktualizowano" in html and "Poprawiona treść." in html


def test_photo_files_thumbnail_full_size_and_download(client, site):
    thumb = client.get(f"/news/photos/{site.photo.id}/thumbnail")
    full = client.get(f"/news/photos/{site.photo.id}/image")
    download = client.get(f"/news/photos/{site.photo.id}/download")
    assert thumb.status_code == full.status_code == download.status_code == 200
    assert thumb.mimetype == full.mimetype == "image/jpeg"
    assert len(thumb.data) < len(full.data) == len(download.data)
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "gala-w-jablonnie-1.jpg" in download.headers["Content-Disposition"]
    assert "public" in full.headers["Cache-Control"]


def test_drafts_and_scheduled_posts_are_not_public(client, auth, make_post, db, site):
    draft = make_post("Szkic", published=False, photos=1)
    later = make_post("Jutro", at=utcnow() + dt.timedelta(days=1))
    for post in (draft, later):
        assert client.get(f"/news/{post.slug}").status_code == 404
        assert (
            client.get(f"/news/photos/{post.photos[0].id if post.photos else 0}/image").status_code
            == 404
        )
    listing = client.get("/news/").get_data(as_text=True)
    assert "Szkic" not in listing and "Jutro" not in listing
    feed = client.get("/news/feed.atom").get_data(as_text=True)
    assert "Szkic" not in feed and "Jutro" not in feed
    # An organizer previews both.
    auth.login(site.organizer)
    page = client.get(f"/news/{draft.slug}").get_data(as_text=True)
    assert "Podgląd: ten wpis nie jest jeszcze publiczny." in page
    assert "Zostanie opublikowany" in client.get(f"/news/{later.slug}").get_data(as_text=True)
    photo = client.get(f"/news/photos/{draft.photos[0].id}/image")
    assert photo.status_code == 200 and "no-store" in photo.headers["Cache-Control"]


def test_the_news_list_pages_by_ten_and_filters_by_edition(client, db, make, make_post, site):
    other = make.edition(name="Inna edycja", slug="inna")
    for n in range(11):
        make_post(f"Wpis {n:02d}", at=utcnow() - dt.timedelta(hours=n + 1), edition=other)
    first = client.get("/news/").get_data(as_text=True)
    assert first.count('class="post-card"') == 10 and "12 wpisów" in first
    assert "Strona 1 z 2" in first and 'href="/news/?page=2"' in first
    second = client.get("/news/?page=2").get_data(as_text=True)
    assert second.count('class="post-card"') == 2
    filtered = client.get("/news/?edition=inna").get_data(as_text=True)
    assert filtered.count('class="post-card"') == 10 and "Gala w Jabłonnie" not in filtered
    assert (
        'href="/news/?page=2&amp;edition=inna"' in filtered
        or 'href="/news/?edition=inna&amp;page=2"' in filtered
    )
    only = client.get(f"/news/?edition={site.edition.slug}").get_data(as_text=True)
    assert only.count('class="post-card"') == 1 and "1 wpis" in only
    assert client.get("/news/?page=99").status_code == 200  # the last page
    assert client.get("/news/?page=abc").status_code == 200
    assert client.get("/news/?edition=nie-ma-takiej").status_code == 404


def test_draft_editions_are_not_public(client, make):
    draft = make.edition(status=EditionStatus.draft, slug="szkic")
    assert client.get("/editions/szkic/rules").status_code == 404
    assert client.get("/editions/szkic/apply-info").status_code == 404
    assert client.get("/news/?edition=szkic").status_code == 404
    assert draft.slug not in client.get("/news/").get_data(as_text=True)


def test_the_atom_feed(client, site):
    response = client.get("/news/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    xml = response.get_data(as_text=True)
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find("a:title", ns).text == "Gala w Jabłonnie"
    assert entry.find("a:link", ns).get("href") == f"http://localhost/news/{site.post.slug}"
    assert entry.find("a:author/a:name", ns).text == "Anna Kowalska"
    assert entry.find("a:content", ns).text == "<p>Treść wpisu.</p>"
    assert re.match(r"\d{4}-\d\d-\d\dT", entry.find("a:published", ns).text)


def test_home_shows_the_edition_how_to_apply_and_news(client, site):
    html = client.get("/").get_data(as_text=True)
    for text in (
        "Przyjazny Urząd 2027",
        "Instytut Jakości",
        "20 czerwca 2027, Pałac w Jabłonnie",
        "Nabór zgłoszeń trwa do",
        'href="/office/register">Zarejestruj urząd',
        "Zaloguj się, aby złożyć zgłoszenie",
        f'href="/editions/{site.edition.slug}/apply-info"',
        f'href="/editions/{site.edition.slug}/rules"',
        'href="/results/"',
        "Gala w Jabłonnie",
    ):
        assert text in html, text


def test_home_tells_an_office_user_where_to_go(client, login_as, site):
    login_as("office")
    html = client.get("/").get_data(as_text=True)
    assert "Przejdź do moich zgłoszeń" in html and "Zarejestruj urząd" not in html


def test_the_start_page_of_the_open_call(client, site):
    html = client.get(f"/editions/{site.edition.slug}/apply-info").get_data(as_text=True)
    for text in (
        "Kategoria 1",
        "Kolejne kroki",
        "Co przygotować",
        "najwyżej 20 MB na plik",
        "Zarejestruj urząd",
        "Zaloguj się, aby złożyć zgłoszenie",
        "1 pytanie",
        "(1 załącznik)",
    ):
        assert text in html, text


def test_rules_page_and_attachment_download(client, site):
    html = client.get(f"/editions/{site.edition.slug}/rules").get_data(as_text=True)
    assert "<p>Regulamin PL</p>" in html and "Regulamin (PDF)" in html
    client.get("/language/en")
    html = client.get(f"/editions/{site.edition.slug}/rules").get_data(as_text=True)
    assert '<div class="page-body" lang="pl"><p>Regulamin PL</p>' in html  # no English text yet
    response = client.get(f"/editions/{site.edition.slug}/rules/{site.attachment.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.get(f"/editions/other/rules/{site.attachment.id}").status_code == 404


def test_site_pages_show_defaults_then_the_organizers_text(client, db, site):
    assert "ustawą z dnia 4 kwietnia 2019" in client.get("/accessibility").get_data(as_text=True)
    services.save_site_page(
        "accessibility",
        actor=site.organizer,
        body_pl="<p>Nasza deklaracja</p>",
        body_en="<p>Our statement</p>",
    )
    db.session.commit()
    assert "Nasza deklaracja" in client.get("/accessibility").get_data(as_text=True)
    client.get("/language/en")
    assert "Our statement" in client.get("/accessibility").get_data(as_text=True)


def test_every_page_links_the_accessibility_statement(client, site):
    for url in ("/", "/news/", "/account/login"):
        html = client.get(url).get_data(as_text=True)
        assert 'href="/accessibility"' in html and 'href="/privacy"' in html
