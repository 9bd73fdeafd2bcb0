"""Every page a user can open, in Polish, shows no untranslated English.

The demo edition is loaded; each role opens every GET page it may (URL
parameters filled from the demo data) and no text node or aria-label of the
page may be the English source of a string that has a Polish translation.
"""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from app.accounts.models import User
from app.demo import DEMO_PASSWORD, JURORS, ORGANIZER, seed_demo
from app.editions.models import Area, Category, Criterion, Edition, Question
from app.i18n import units
from app.jury.models import JuryMembership
from app.offices.models import Application, Document, Office

TEXT_NODE = re.compile(r">([^<>]+)<")
ARIA_LABEL = re.compile(r'aria-label="([^"]+)"')


def english_sources() -> set[str]:
    """English msgids whose Polish text differs (so seeing them means a miss).
    Ids without a letter (the stage numerals "1", "2") are not English text."""
    found = set()
    for directory in units():
        po = directory / "pl" / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        with po.open("rb") as fh:
            for message in read_po(fh):
                plain = (
                    isinstance(message.id, str)
                    and re.search("[A-Za-z]", message.id)
                    and "%(" not in message.id
                )
                if plain and message.string and message.string != message.id:
                    found.add(message.id)
    return found


def untranslated(page: str, sources: set[str]) -> set[str]:
    texts = {html.unescape(t).strip() for t in TEXT_NODE.findall(page)}
    texts |= {html.unescape(t).strip() for t in ARIA_LABEL.findall(page)}
    return {t for t in texts if t in sources}


def _ids(db) -> dict[str, int]:
    edition = db.session.scalar(sa.select(Edition))
    office_user = db.session.scalar(sa.select(User).where(User.email == "urzad1@laurel.example"))
    application = db.session.scalar(
        sa.select(Application).where(Application.office_id == office_user.office_id)
    )
    juror = db.session.scalar(sa.select(User).where(User.email == JURORS[0][0]))
    return {
        "edition_id": edition.id,
        "application_id": application.id,
        "office_id": office_user.office_id,
        "category_id": db.session.scalar(sa.select(Category.id).limit(1)),
        "area_id": db.session.scalar(sa.select(Area.id).limit(1)),
        "criterion_id": db.session.scalar(sa.select(Criterion.id).limit(1)),
        "question_id": db.session.scalar(sa.select(Question.id).limit(1)),
        "document_id": db.session.scalar(
            sa.select(Document.id).where(Document.application_id == application.id)
        ),
        "membership_id": db.session.scalar(
            sa.select(JuryMembership.id).where(JuryMembership.user_id == juror.id)
        ),
        "other_office_id": db.session.scalar(
            sa.select(Office.id).where(Office.id != office_user.office_id).limit(1)
        ),
    }


def page_urls(app, ids) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or "token" in rule.arguments:
            continue
        if rule.endpoint in {
            "main.set_language",
            "offices.download_document",
            "offices.download_diploma",
        }:
            continue
        values = {}
        for argument in rule.arguments:
            if argument not in ids or ids[argument] is None:
                break
            values[argument] = ids[argument]
        else:
            with app.test_request_context():
                from flask import url_for

                urls.append(url_for(rule.endpoint, **values))
    return sorted(set(urls))


@pytest.mark.parametrize(
    ("email", "at_least"),
    [(None, 4), (ORGANIZER[0], 25), (JURORS[0][0], 4), ("urzad1@laurel.example", 6)],
    ids=["anonymous", "organizer", "juror", "office"],
)
def test_pages_have_no_english_left(app, client, db, email, at_least):
    seed_demo()
    db.session.commit()
    if email:
        response = client.post("/account/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
    sources = english_sources()
    urls = page_urls(app, _ids(db))
    assert len(urls) > 20
    seen, misses = 0, {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        seen += 1
        found = untranslated(response.get_data(as_text=True), sources)
        if found:
            misses[url] = sorted(found)
    assert seen >= at_least  # the pages this role may open were really checked
    assert misses == {}, f"English text on Polish pages: {misses}"
