"""The public site in a browser: an organizer writes a post with two photos
and publishes it; an anonymous visitor finds it in the news list, reads it,
opens a photo, downloads the full-size file and sees the view count go up."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from app.demo import seed_demo
from tests.factories import PASSWORD
from tests.public.conftest import GPS_TAG, jpeg_with_exif

VISITOR_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36 visitor-{n}"


def test_organizer_publishes_a_post_and_a_visitor_reads_it(
    live_server, page, browser, browser_context_args, db, make, tmp_path
):
    organizer = make.organizer(full_name="Olga Organizatorka")
    make.edition(name="Przyjazny Urząd 2027")
    db.session.commit()
    files = []
    for n, colour in enumerate(((200, 40, 40), (40, 40, 200))):
        path = tmp_path / f"gala-{n + 1}.jpg"
        path.write_bytes(jpeg_with_exif(colour=colour))
        files.append(path)

    # The organizer writes the post...
    page.goto(live_server.url + "/account/login")
    page.get_by_label("E-mail").fill(organizer.email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.get_by_role("link", name="Serwis publiczny").click()
    page.get_by_role("link", name="Nowy wpis").click()
    page.get_by_label("Tytuł").fill("Gala w Jabłonnie")
    page.get_by_label("Wstęp (lead)").fill("Znamy laureatów znaku Przyjazny Urząd.")
    page.get_by_label("Tekst", exact=True).fill(
        "<p>Gala odbyła się w pałacu PAN.</p><script>alert('x')</script>"
    )
    page.get_by_label("Autor tekstu").fill("Anna Kowalska")
    page.get_by_label("Edycja").select_option(label="Przyjazny Urząd 2027")
    page.get_by_role("button", name="Zapisz").click()
    expect(page.get_by_text("Wersja robocza została zapisana.", exact=False)).to_be_visible()

    # ...adds two photos...
    for n, path in enumerate(files):
        page.get_by_label("Zdjęcie (JPG lub PNG, najwyżej 10 MB)").set_input_files(str(path))
        page.get_by_label("Tekst alternatywny").last.fill(f"Laureaci na scenie, ujęcie {n + 1}")
        page.get_by_label("Podpis").last.fill(f"Scena, ujęcie {n + 1}")
        page.get_by_label("Autor zdjęcia").last.fill("Jan Fotograf")
        page.get_by_role("button", name="Dodaj zdjęcie").click()
        expect(page.get_by_text("Zdjęcie zostało dodane.")).to_be_visible()
    expect(page.locator(".photo-admin > li")).to_have_count(2)

    # ...and publishes it.
    page.get_by_role("button", name="Opublikuj").click()
    expect(page.get_by_text("Wpis został opublikowany.")).to_be_visible()

    # An anonymous visitor (a browser of their own) finds it in the news.
    visitor = browser.new_context(**browser_context_args, user_agent=VISITOR_UA.format(n=1))
    anon = visitor.new_page()
    anon.goto(live_server.url + "/")
    anon.get_by_role("link", name="Wszystkie aktualności").click()
    expect(anon.get_by_role("heading", level=1)).to_have_text("Aktualności")
    anon.get_by_role("link", name="Gala w Jabłonnie").click()
    expect(anon.get_by_role("heading", level=1)).to_have_text("Gala w Jabłonnie")
    expect(anon.get_by_text("Gala odbyła się w pałacu PAN.")).to_be_visible()
    expect(anon.locator(".post-body script")).to_have_count(0)
    expect(anon.get_by_text("Anna Kowalska")).to_be_visible()
    expect(anon.get_by_text("Olga Organizatorka")).to_be_visible()
    expect(anon.locator(".views")).to_have_text("Liczba wyświetleń: 1")
    expect(anon.get_by_text("fot. Jan Fotograf").first).to_be_visible()

    # Opens the second photo and downloads it.
    anon.get_by_role("link", name="Laureaci na scenie, ujęcie 2").click()
    expect(anon.get_by_role("heading", level=1)).to_have_text("Zdjęcie 2 z 2")
    image = anon.get_by_role("img", name="Laureaci na scenie, ujęcie 2")
    expect(image).to_be_visible()
    assert anon.evaluate("img => img.naturalWidth", image.element_handle()) == 1600
    with anon.expect_download() as info:
        anon.get_by_role("link", name="Pobierz zdjęcie w pełnym rozmiarze").click()
    download = info.value
    assert download.suggested_filename == "gala-w-jablonnie-2.jpg"
    data = Path(download.path()).read_bytes()
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and img.size == (1600, 1200)
        assert not img.getexif().get_ifd(GPS_TAG)  # no position left in the file
    anon.get_by_role("link", name="Powrót do wpisu").click()
    expect(anon.locator(".views")).to_have_text("Liczba wyświetleń: 1")  # same visitor, same day

    # Another reader comes; the first one reloads and sees the count go up.
    other = browser.new_context(**browser_context_args, user_agent=VISITOR_UA.format(n=2))
    second = other.new_page()
    second.goto(anon.url)
    expect(second.locator(".views")).to_have_text("Liczba wyświetleń: 2")
    anon.reload()
    expect(anon.locator(".views")).to_have_text("Liczba wyświetleń: 2")
    visitor.close()
    other.close()


def test_a_visitor_opens_the_results_from_the_home_page(live_server, page, db):
    """The demo's past edition: home -> the results archive -> its results,
    the laureate of the marshal offices with the chapter's justification."""
    seed_demo()
    db.session.commit()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Laureaci i nagrody wszystkich edycji").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wyniki")
    page.get_by_role("link", name="Przyjazny Urząd — edycja 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Wyniki: Przyjazny Urząd — edycja 2025"
    )
    marshal = page.locator("section", has=page.get_by_role("heading", name="Urzędy marszałkowskie"))
    expect(marshal).to_contain_text("Laureat kategorii")
    expect(marshal).to_contain_text("Urząd Marszałkowski Województwa Mazowieckiego w Warszawie")
    specials = page.locator("section", has=page.get_by_role("heading", name="Nagrody specjalne"))
    expect(specials).to_contain_text("Innowacyjny urząd")
    page.get_by_role("link", name="Wszystkie wyniki").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wyniki")
