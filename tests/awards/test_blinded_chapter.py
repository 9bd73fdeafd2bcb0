"""A blinded chapter's pages (overview, category, results preview) show codes
and nothing identifying; the decisions' messages too; the names are revealed
once, by an organizer, after every category's decision, and audited."""

from __future__ import annotations

import re

import pytest

from app.audit.models import AuditEvent
from app.awards import chapter as decisions
from app.awards.models import AwardKind
from app.editions import phases
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.extensions import db as _db
from app.results import blinding
from app.results.models import BlindViewer, EntryCode
from tests.conftest import csrf_token_from

CODE = re.compile(r"K-\d{4}")


@pytest.fixture
def blind(make_chapter):
    """A blinded chapter: Alfa 1, Beta and Gamma tied at 2, Delta 4; the
    comments name each office; a special award."""
    return make_chapter(
        {"Urząd Alfa": 90, "Urząd Beta": 80, "Urząd Gamma": 80, "Urząd Delta": 60},
        unranked=("Urząd Epsilon",),
        blind=True,
    )


def identifying(ch) -> list[str]:
    return [
        v
        for entry in ch.entries.values()
        for v in (entry.office.name, entry.office.city, entry.office.regon, entry.office.nip)
    ]


def assert_blinded(text: str, ch) -> None:
    leaked = [v for v in identifying(ch) if v in text]
    assert not leaked, f"identifying text in a blinded page: {leaked}"
    assert CODE.search(text)


def code(ch, name: str) -> str:
    return blinding.format_code(blinding.codes_of(ch.edition)[ch.entries[name].id])


def blinded_organizer(login_as, ch):
    organizer = login_as("organizer")
    _db.session.add(BlindViewer(edition_id=ch.edition.id, user_id=organizer.id))
    _db.session.commit()
    return organizer


def decide(ch, name="Urząd Alfa", **kw):
    kw.setdefault("kind", AwardKind.laureate)
    kw.setdefault("justification", f"{name} ma najlepszą obsługę")
    return decisions.record_category_award(ch.edition, ch.entries[name], actor=ch.organizer, **kw)


def test_closing_stage_2_gave_every_entry_a_code(blind):
    assert set(blinding.codes_of(blind.edition)) == {e.id for e in blind.entries.values()}


@pytest.mark.parametrize(
    "page",
    ["chapter", "chapter/categories/{category}", "results", "ranking", "ranking?stage=2&mode=raw"],
)
def test_blinded_chapter_pages_show_codes_and_no_office(client, login_as, blind, page):
    decide(blind, departure_reason="")
    _db.session.commit()
    blinded_organizer(login_as, blind)
    url = f"/organizer/editions/{blind.edition.id}/" + page.format(category=blind.category.id)
    response = client.get(url)
    assert response.status_code == 200
    assert_blinded(response.text, blind)
    assert code(blind, "Urząd Alfa") in response.text
    if page == "ranking":  # the chart of the final scores too
        assert f"1. {code(blind, 'Urząd Alfa')}" in response.text


def test_the_category_page_in_detail(client, login_as, blind):
    # Codes against the alphabet, so that the order of the tie tells which is used.
    for name, number in (("Urząd Beta", 9001), ("Urząd Gamma", 9000)):
        _db.session.get(EntryCode, blind.entries[name].id).number = number
    _db.session.commit()
    blinded_organizer(login_as, blind)
    text = client.get(
        f"/organizer/editions/{blind.edition.id}/chapter/categories/{blind.category.id}"
    ).text
    alfa = code(blind, "Urząd Alfa")
    # The jurors' comments name the office: its code stands in.
    assert f"Mocna strona {alfa}" in text and f"Do poprawy {alfa}" in text
    assert "Jan Sędzia" in text  # jurors keep their names
    # Ties in code order, in the table and in the choices of the decision form.
    assert text.index("<td>K-9000</td>") < text.index("<td>K-9001</td>")
    assert text.index(">2. K-9000<") < text.index(">2. K-9001<")
    assert f"{code(blind, 'Urząd Epsilon')} (poza rankingiem)" in text
    # No link to the pages that name the office.
    assert "/applications/" not in text and "/findings" not in text


def test_a_refusal_names_the_entries_by_code(blind, make, db):
    organizer = blind.organizer
    db.session.add(BlindViewer(edition_id=blind.edition.id, user_id=organizer.id))
    db.session.flush()
    with pytest.raises(decisions.DepartureReasonNeeded) as refused:
        decide(blind, "Urząd Delta")
    assert code(blind, "Urząd Alfa") in refused.value.message
    assert "Urząd" not in refused.value.message


def test_decisions_by_an_organizer_not_opted_in_name_code_and_office(blind):
    with pytest.raises(decisions.DepartureReasonNeeded) as refused:
        decide(blind, "Urząd Delta")
    assert f"{code(blind, 'Urząd Alfa')} · Urząd Alfa" in refused.value.message


def test_the_decisions_export_is_blinded(client, login_as, blind):
    decide(blind)
    _db.session.commit()
    blinded_organizer(login_as, blind)
    text = client.get(f"/organizer/editions/{blind.edition.id}/exports/decisions.csv").get_data(
        as_text=True
    )
    assert_blinded(text, blind)
    assert f"{code(blind, 'Urząd Alfa')} ma najlepszą obsługę" in text


# ---------------------------------------------------------------- the reveal


def test_reveal_is_refused_until_every_category_is_decided(blind):
    with pytest.raises(LaurelError, match="Kategoria 1"):
        blinding.reveal_names(blind.edition, actor=blind.organizer)
    assert blind.edition.names_revealed_at is None
    decide(blind)
    blinding.reveal_names(blind.edition, actor=blind.organizer)
    assert blind.edition.names_revealed_at is not None
    assert blind.edition.names_revealed_by_id == blind.organizer.id
    event = AuditEvent.query.filter_by(action="results.reveal_names").one()
    assert event.actor_id == blind.organizer.id and event.edition_id == blind.edition.id
    assert event.after["codes"] == 5
    with pytest.raises(LaurelError):
        blinding.reveal_names(blind.edition, actor=blind.organizer)


def test_reveal_is_for_organizers_of_a_blinded_chapter(blind, make_chapter, make):
    decide(blind)
    for who in (blind.juror, make.office_user()):
        with pytest.raises(LaurelError):
            blinding.reveal_names(blind.edition, actor=who)
    plain = make_chapter(blind=False)
    decisions.record_category_award(
        plain.edition,
        plain.entries["Urząd Alfa"],
        actor=plain.organizer,
        kind=AwardKind.laureate,
        justification="Najlepsza",
    )
    with pytest.raises(LaurelError):
        blinding.reveal_names(plain.edition, actor=plain.organizer)


def test_reveal_is_not_possible_before_the_chapter(make):
    edition = make.edition(status=EditionStatus.stage2, blind_chapter=True, categories=0)
    assert not edition.can_reveal_names(make.organizer())


def test_publishing_waits_for_the_reveal(blind, english_request_ctx):
    decide(blind)
    check = phases.check_next_phase(blind.edition)
    assert (
        "The chapter is blinded: reveal the entries' names on the chapter's page first."
        in check.blockers
    )
    blinding.reveal_names(blind.edition, actor=blind.organizer)
    assert phases.check_next_phase(blind.edition).allowed


def reveal_url(ch) -> str:
    return f"/organizer/editions/{ch.edition.id}/reveal-names"


def test_reveal_through_the_page(client, login_as, blind):
    organizer = blinded_organizer(login_as, blind)
    overview = f"/organizer/editions/{blind.edition.id}/chapter"
    page = client.get(overview).text
    assert "Odsłoń nazwy" in page and 'data-confirm="Odsłonić nazwy' in page
    token = csrf_token_from(page)
    refused = client.post(reveal_url(blind), data={"csrf_token": token}, follow_redirects=True)
    assert "Jeszcze nierozstrzygnięte: Kategoria 1" in refused.text
    assert_blinded(refused.text, blind)
    decide(blind)
    _db.session.commit()
    response = client.post(reveal_url(blind), data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(overview).text
    # Revealed: names for everyone, with the codes the minutes used.
    assert f"{code(blind, 'Urząd Alfa')} · Urząd Alfa" in page
    assert "Odsłoń nazwy" not in page
    event = AuditEvent.query.filter_by(action="results.reveal_names").one()
    assert event.actor_id == organizer.id
    # Once revealed, the blinded-view switch is gone and refused.
    assert (
        client.post(
            f"/organizer/editions/{blind.edition.id}/blind-view",
            data={"csrf_token": token, "on": "1"},
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("office", 403), ("juror", 403)]
)
def test_reveal_route_refuses_others(client, login_as, make, blind, role, expected):
    decide(blind)
    _db.session.commit()
    if role == "juror":
        login_as(make.juror(edition=blind.edition))
    elif role != "anonymous":
        login_as(role)
    assert client.post(reveal_url(blind)).status_code == expected
    _db.session.refresh(blind.edition)
    assert blind.edition.names_revealed_at is None


def test_reveal_route_is_403_on_a_chapter_that_is_not_blinded(client, login_as, make_chapter):
    plain = make_chapter()
    login_as("organizer")
    assert client.post(reveal_url(plain)).status_code == 403
    page = client.get(f"/organizer/editions/{plain.edition.id}/chapter").text
    assert "reveal-names" not in page and "Widok zaślepiony" not in page


@pytest.mark.parametrize(
    "path", ["/chapter/categories/{category}", "/chapter", "/results", "/ranking"]
)
def test_blinded_pages_run_a_fixed_number_of_queries(client, login_as, make_chapter, path):
    from tests.awards.test_views import _statements

    # Three entries at least: with fewer, the juror is not normalised and
    # the ranking looks up their name (one more query, blinded or not).
    small = make_chapter({"Urząd A": 90, "Urząd B": 80, "Urząd C": 70}, blind=True)
    big = make_chapter(
        {f"Urząd {i:02}": 50 + i for i in range(12)}, unranked=("Urząd X",), blind=True
    )
    organizer = login_as("organizer")
    for ch in (small, big):
        _db.session.add(BlindViewer(edition_id=ch.edition.id, user_id=organizer.id))
    _db.session.commit()
    urls = [
        f"/organizer/editions/{ch.edition.id}{path}".format(category=ch.category.id)
        for ch in (small, big)
    ]
    counts = [_statements(_db, client, url) for url in urls]
    assert counts[0] == counts[1], counts
