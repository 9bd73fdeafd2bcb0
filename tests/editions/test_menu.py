"""app/editions/menu.py: the edition's menu, kept per edition, page and
language, follows a renamed edition, a new phase and the reader's language."""

from __future__ import annotations

from app.editions.models import EditionStatus


def test_menu_follows_name_phase_and_language(client, make, login_as, db):
    edition = make.edition(name="Edycja próbna", status=EditionStatus.stage2)
    login_as("organizer")
    url = f"/organizer/editions/{edition.id}/jurors"
    html = client.get(url).get_data(as_text=True)
    assert '<nav aria-label="Edycja Edycja próbna">' in html
    assert 'aria-current="page">Jury</a>' in html
    assert f"/organizer/editions/{edition.id}/diplomas" not in html  # before the chapter

    edition.name = "Edycja przemianowana"
    edition.status = EditionStatus.chapter
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    nav = html[html.index('<ul class="subnav">') :]
    nav = nav[: nav.index("</ul>")]
    assert '<nav aria-label="Edycja Edycja przemianowana">' in html
    assert "Edycja próbna" not in html
    assert "diplomas" in nav

    english = client.get(url + "?lang=en").get_data(as_text=True)
    nav = english[english.index('<ul class="subnav">') :]
    assert ">Dashboard</a>" in nav[: nav.index("</ul>")]
