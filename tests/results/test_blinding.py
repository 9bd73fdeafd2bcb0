"""A blinded chapter (issue 17, item 6): entry codes, who sees names, the
qualification, ranking and agreement pages and the exports shown by code, the
organizer's blinded view. The chapter's pages and the reveal: tests/awards/
test_blinded_chapter.py."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.editions import phases
from app.editions import services as editions
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.offices.models import Application, ApplicationStatus
from app.results import blinding, exports
from app.results.models import BlindViewer, EntryCode
from app.timeutil import utcnow
from tests.conftest import csrf_token_from

CODE = re.compile(r"K-\d{4}")
# Office name -> its three stage-1 sheet scores. Beta and Delta tie.
SCORES = {
    "Urząd Alfa": (80, 82, 84),
    "Urząd Beta": (60, 62, 61),
    "Urząd Delta": (60, 62, 61),
    "Urząd Gamma": (40, 40, 70),
}


@pytest.fixture
def blind(make, db):
    """A blinded edition in stage 1: three jurors score four entries (Gamma's
    third sheet is an outlier, Beta and Delta tie); each comment names its
    office and town."""
    edition = make.edition(status=EditionStatus.stage1, areas=0, blind_chapter=True)
    area = make.area(edition=edition, name="Obsługa klienta")
    c1 = make.criterion(area=area, stage=1, max_score=100, name="Karta usług")
    jurors = [
        make.juror(edition=edition, full_name=f"Sędzia {n}") for n in ("Adam", "Beata", "Cezary")
    ]
    offices, entries = [], []
    for name, values in SCORES.items():
        office = make.office(name=name)
        offices.append(office)
        entry = make.application(edition=edition, office=office, status=ApplicationStatus.submitted)
        entries.append(entry)
        for juror, value in zip(jurors, values, strict=True):
            sheet = make.sheet(application=entry, juror=juror, values={c1: value})
            sheet.scores[0].strengths = f"{name} w mieście {office.city} ma dobrą kartę"
            sheet.scores[0].improvements = f"REGON {office.regon}: uzupełnić"
    db.session.flush()
    blinding.assign_codes(edition)
    db.session.commit()
    # Alfa, Beta, Delta, Gamma: the offices and their entries, for the tests.
    edition.offices, edition.entries = offices, entries
    return edition


def identifying(edition) -> list[str]:
    """Everything of the offices that must not appear on a blinded page."""
    return [v for o in edition.offices for v in (o.name, o.city, o.regon, o.nip)]


def assert_blinded(text: str, edition, *, codes: bool = True) -> None:
    leaked = [v for v in identifying(edition) if v in text]
    assert not leaked, f"identifying text in a blinded page: {leaked}"
    assert not codes or CODE.search(text)


def opt_in(organizer, edition, db):
    db.session.add(BlindViewer(edition_id=edition.id, user_id=organizer.id))
    db.session.commit()


# ---------------------------------------------------------------- codes


def test_codes_are_unique_stable_and_not_in_id_order(make, db):
    edition = make.edition(status=EditionStatus.applications_open)
    entries = [make.application(edition=edition) for _ in range(40)]
    assert blinding.assign_codes(edition) == 40
    codes = blinding.codes_of(edition)
    numbers = [codes[e.id] for e in entries]
    assert len(set(numbers)) == 40 and all(1 <= n <= blinding.CODE_SPACE for n in numbers)
    # Random draws: 40 codes in the order of the ids (or its reverse) would
    # happen once in 40!/2 runs.
    assert numbers not in (sorted(numbers), sorted(numbers, reverse=True))
    # Not consecutive either: the set says nothing about how many entries came first.
    assert max(numbers) - min(numbers) > 39
    # Stable: running again gives nobody a new code.
    assert blinding.assign_codes(edition) == 0
    assert blinding.codes_of(edition) == codes
    # A later entry gets an unused code; the others keep theirs.
    late = make.application(edition=edition)
    assert blinding.assign_codes(edition) == 1
    after = blinding.codes_of(edition)
    assert {k: v for k, v in after.items() if k != late.id} == codes
    assert after[late.id] not in numbers


def test_codes_are_per_edition_and_unique_in_the_database(make, db):
    one, two = make.edition(), make.edition()
    a, b = make.application(edition=one), make.application(edition=two)
    db.session.add_all(
        [
            EntryCode(application_id=a.id, edition_id=one.id, number=7),
            EntryCode(application_id=b.id, edition_id=two.id, number=7),
        ]
    )
    db.session.flush()  # the same number in two editions is fine
    c = make.application(edition=one)
    db.session.add(EntryCode(application_id=c.id, edition_id=one.id, number=7))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_large_edition_draws_from_a_larger_space(make, db, monkeypatch):
    monkeypatch.setattr(blinding, "CODE_SPACE", 10)
    edition = make.edition()
    for _ in range(5):
        make.application(edition=edition)
    blinding.assign_codes(edition)
    # 5 entries: numbers from 1..50, not squeezed into 1..10.
    assert max(blinding.codes_of(edition).values()) <= 50


def test_turning_the_setting_on_gives_codes_and_copying_keeps_it_but_not_the_reveal(make, db):
    organizer = make.organizer()
    edition = make.edition(status=EditionStatus.stage1)
    entries = [make.application(edition=edition) for _ in range(3)]
    editions.update_edition(edition, actor=organizer, data={"blind_chapter": True})
    assert set(blinding.codes_of(edition)) == {e.id for e in entries}
    edition.names_revealed_at = utcnow()
    db.session.flush()
    copy = editions.copy_edition(edition, actor=organizer, name="Kopia", slug="kopia", year=2027)
    assert copy.blind_chapter is True and copy.names_revealed_at is None


def test_the_setting_is_fixed_once_stage_2_has_closed(make):
    organizer = make.organizer()
    edition = make.edition(status=EditionStatus.chapter, blind_chapter=True)
    with pytest.raises(LaurelError):
        editions.update_edition(edition, actor=organizer, data={"blind_chapter": False})


def test_entries_submitted_after_the_setting_get_codes_when_the_phase_moves(make, db):
    organizer = make.organizer()
    edition = make.edition(status=EditionStatus.applications_open, blind_chapter=True)
    entry = make.application(edition=edition, status=ApplicationStatus.submitted)
    phases.advance_phase(edition, actor=organizer, expected=EditionStatus.applications_open)
    assert entry.id in blinding.codes_of(edition)


def test_the_settings_form_saves_the_setting(client, login_as, make, db):
    edition = make.edition(status=EditionStatus.stage1)
    make.application(edition=edition, status=ApplicationStatus.submitted)
    login_as("organizer")
    url = f"/organizer/editions/{edition.id}/settings"
    page = client.get(url).text
    assert 'name="blind_chapter"' in page
    form = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
        if name != "blind_chapter"
    }
    for name in re.findall(r'<select[^>]*name="([^"]+)"', page):
        selected = re.search(
            rf'<select[^>]*name="{name}".*?<option[^>]*selected[^>]*value="([^"]*)"'
            rf'|<select[^>]*name="{name}".*?<option[^>]*value="([^"]*)"[^>]*selected',
            page,
            re.S,
        )
        form[name] = next(v for v in selected.groups() if v is not None)
    form["name"], form["slug"], form["year"] = edition.name, edition.slug, str(edition.year)
    form["blind_chapter"] = "y"
    response = client.post(url, data=form)
    assert response.status_code == 302, response.text
    db.session.refresh(edition)
    assert edition.blind_chapter is True and len(blinding.codes_of(edition)) == 1


# ---------------------------------------------------------------- who sees names


@pytest.mark.parametrize(
    ("who", "blind_chapter", "revealed", "names"),
    [
        ("organizer", False, False, True),
        ("organizer opted in", False, False, True),
        ("juror", False, False, True),
        ("organizer", True, False, True),
        ("organizer opted in", True, False, False),
        ("juror", True, False, False),
        ("office", True, False, False),
        ("anonymous", True, False, False),
        ("organizer", True, True, True),
        ("organizer opted in", True, True, True),
        ("juror", True, True, True),
        ("office", True, True, True),
        ("anonymous", True, True, True),
    ],
)
def test_who_sees_names(make, db, who, blind_chapter, revealed, names):
    from flask_login import AnonymousUserMixin

    edition = make.edition(status=EditionStatus.chapter, blind_chapter=blind_chapter)
    if revealed:
        edition.names_revealed_at = utcnow()
    user = {
        "organizer": make.organizer,
        "organizer opted in": make.organizer,
        "juror": lambda: make.juror(edition=edition),
        "office": make.office_user,
        "anonymous": AnonymousUserMixin,
    }[who]()
    db.session.flush()
    if who == "organizer opted in":
        db.session.add(BlindViewer(edition_id=edition.id, user_id=user.id))
        db.session.flush()
    assert edition.shows_names_to(user) is names
    assert blinding.names_for(edition, user).blinded is not names


def test_one_organizers_blinded_view_is_theirs_alone(make, db):
    edition = make.edition(status=EditionStatus.stage1, blind_chapter=True)
    anna, jan = make.organizer(), make.organizer()
    blinding.set_blind_view(edition, actor=anna, on=True)
    assert not edition.shows_names_to(anna) and edition.shows_names_to(jan)
    other = make.edition(status=EditionStatus.stage1, blind_chapter=True)
    assert other.shows_names_to(anna)


def test_labels_and_free_text(request_ctx, blind, make, db):
    organizer = make.organizer()
    alfa = blind.entries[0]
    code = blinding.format_code(blinding.codes_of(blind)[alfa.id])
    seeing = blinding.names_for(blind, organizer)
    assert seeing(alfa.id, "Urząd Alfa") == f"{code} · Urząd Alfa"
    assert seeing.text(alfa.id, "Urząd Alfa dobrze") == "Urząd Alfa dobrze"
    opt_in(organizer, blind, db)
    blinded = blinding.names_for(blind, organizer)
    assert blinded(alfa.id, "Urząd Alfa") == code
    city = alfa.office.city
    assert blinded.text(alfa.id, f"urząd alfa z miasta {city}.") == f"{code} z miasta {code}."
    assert blinded.heading == "Kod"


def test_a_blinded_view_is_audited_and_refused_when_names_are_not_hidden(make, db):
    organizer = make.organizer()
    edition = make.edition(status=EditionStatus.stage1, blind_chapter=True)
    blinding.set_blind_view(edition, actor=organizer, on=True)
    blinding.set_blind_view(edition, actor=organizer, on=True)  # no second row, no event
    blinding.set_blind_view(edition, actor=organizer, on=False)
    events = AuditEvent.query.filter_by(action="results.blind_view").order_by(AuditEvent.id).all()
    assert [e.after for e in events] == [{"blinded": True}, {"blinded": False}]
    plain = make.edition(status=EditionStatus.stage1)
    with pytest.raises(LaurelError):
        blinding.set_blind_view(plain, actor=organizer, on=True)
    with pytest.raises(LaurelError):
        blinding.set_blind_view(edition, actor=make.juror(edition=edition), on=True)


# ---------------------------------------------------------------- pages


def blinded_organizer(login_as, edition, db):
    organizer = login_as("organizer")
    opt_in(organizer, edition, db)
    return organizer


PAGES = [
    "qualification",
    "ranking",
    "ranking?stage=1&mode=raw",
    "agreement?stage=1",
    "exports",
]


@pytest.mark.parametrize("page", PAGES)
def test_blinded_pages_show_codes_and_no_office(client, login_as, blind, db, page):
    blinded_organizer(login_as, blind, db)
    response = client.get(f"/organizer/editions/{blind.id}/{page}")
    assert response.status_code == 200
    assert_blinded(response.text, blind, codes=page != "exports")
    assert "Widok zaślepiony" in response.text


@pytest.mark.parametrize("page", PAGES)
def test_an_organizer_not_opted_in_sees_codes_and_names(client, login_as, blind, page):
    login_as("organizer")
    text = client.get(f"/organizer/editions/{blind.id}/{page}").text
    assert "Pokaż kody zamiast nazw" in text
    if page != "exports":
        # Gamma is on every page (the agreement page shows its outlier sheet).
        code = blinding.format_code(blinding.codes_of(blind)[blind.entries[3].id])
        assert f"{code} · Urząd Gamma" in text


def test_the_qualification_page_orders_ties_by_code(client, login_as, blind, db):
    # Codes against the alphabet (Beta before Delta), so the order tells which is used.
    beta, delta = blind.entries[1:3]
    db.session.get(EntryCode, beta.id).number = 9001
    db.session.get(EntryCode, delta.id).number = 9000
    db.session.commit()
    blinded_organizer(login_as, blind, db)
    text = client.get(f"/organizer/editions/{blind.id}/qualification").text
    assert text.index("K-9000") < text.index("K-9001")
    text = client.get(f"/organizer/editions/{blind.id}/ranking?stage=1").text
    assert text.index("K-9000") < text.index("K-9001")
    # No link to the application pages, which name the office.
    assert "/applications/" not in text


def test_the_agreement_page_keeps_the_jurors_names(client, login_as, blind, db):
    blinded_organizer(login_as, blind, db)
    text = client.get(f"/organizer/editions/{blind.id}/agreement?stage=1").text
    outliers = text[text.index("Karty odstające") :]
    gamma = blind.entries[3]
    assert "Sędzia Cezary" in outliers
    assert blinding.format_code(blinding.codes_of(blind)[gamma.id]) in outliers


def test_the_override_page_and_its_message_use_the_code(client, login_as, blind, db):
    blinded_organizer(login_as, blind, db)
    gamma = blind.entries[3]
    code = blinding.format_code(blinding.codes_of(blind)[gamma.id])
    url = f"/organizer/editions/{blind.id}/qualification/{gamma.id}"
    page = client.get(url).text
    assert_blinded(page, blind)
    assert code in page
    response = client.post(
        url,
        data={"csrf_token": csrf_token_from(page), "decision": "yes", "reason": "Dobra wizyta"},
        follow_redirects=True,
    )
    assert f"Decyzja dla: {code} została zapisana." in response.text
    assert_blinded(response.text, blind)


def test_the_confirmed_record_is_blinded(client, login_as, blind, db):
    organizer = blinded_organizer(login_as, blind, db)
    from app.results import qualification

    qualification.confirm(
        blind, actor=organizer, expected=EditionStatus.stage1, confirm_missing=True, notify=False
    )
    db.session.commit()
    text = client.get(f"/organizer/editions/{blind.id}/qualification").text
    assert "Lista została zatwierdzona" in text
    assert_blinded(text, blind)


@pytest.mark.parametrize(
    "path",
    [
        "ranking.csv?stage=1",
        "ranking.xlsx?stage=1",
        "ranking.csv",
        "scores.csv",
        "scores.xlsx",
        "decisions.csv",
    ],
)
def test_blinded_exports_name_no_office(client, login_as, blind, db, path):
    blinded_organizer(login_as, blind, db)
    response = client.get(f"/organizer/editions/{blind.id}/exports/{path}")
    assert response.status_code == 200
    if ".xlsx" in path:
        from tests.results.test_exports import read_xlsx

        sheet = read_xlsx(response.data)
        text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row)
    else:
        text = response.get_data(as_text=True)
    if not path.startswith("decisions"):
        assert_blinded(text, blind)
    assert not [v for v in identifying(blind) if v in text]
    event = AuditEvent.query.filter_by(action="results.export").one()
    assert event.after["blinded"] is True


def test_the_scores_export_is_in_code_order_when_blinded(request_ctx, blind, make, db):
    organizer = make.organizer()
    opt_in(organizer, blind, db)
    names = blinding.names_for(blind, organizer)
    rows = list(exports.scores_table(blind, names=names).rows)
    shown = list(dict.fromkeys(row[2] for row in rows))
    assert shown == sorted(shown) and len(shown) == 4
    assert all("Urząd" not in row[9] and "REGON 0" not in row[10] for row in rows)


def test_an_unblinded_export_shows_code_and_name(request_ctx, blind, make):
    names = blinding.names_for(blind, make.organizer())
    table = exports.ranking_table(blind, stage=1, names=names)
    offices = [row[3] for row in table.rows]
    assert all(CODE.match(o) and " · Urząd " in o for o in offices)
    # Not blinded, the order of tied entries stays alphabetical.
    assert offices.index(next(o for o in offices if "Beta" in o)) < offices.index(
        next(o for o in offices if "Delta" in o)
    )


# ---------------------------------------------------------------- the blinded-view switch


def test_the_switch_turns_the_blinded_view_on_and_off(client, login_as, blind, db):
    organizer = login_as("organizer")
    page = client.get(f"/organizer/editions/{blind.id}/ranking").text
    url = f"/organizer/editions/{blind.id}/blind-view"
    back = f"/organizer/editions/{blind.id}/qualification"
    token = csrf_token_from(page)
    response = client.post(url, data={"csrf_token": token, "on": "1", "back": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    assert not blind.shows_names_to(organizer)
    assert_blinded(client.get(back).text, blind)
    response = client.post(url, data={"csrf_token": token, "on": "0", "back": "//evil.example/"})
    assert response.headers["Location"].endswith(f"/organizer/editions/{blind.id}/ranking")
    db.session.expire_all()
    assert blind.shows_names_to(organizer)


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("office", 403), ("juror", 403)]
)
def test_the_switch_is_for_organizers(client, login_as, make, blind, role, expected):
    if role == "juror":
        login_as(make.juror(edition=blind))
    elif role != "anonymous":
        login_as(role)
    response = client.post(f"/organizer/editions/{blind.id}/blind-view", data={"on": "1"})
    assert response.status_code == expected
    assert db_rows() == 0


def db_rows() -> int:
    from app.extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(BlindViewer))


def test_the_switch_is_refused_on_an_edition_that_is_not_blinded(client, login_as, make, blind):
    edition = make.edition(status=EditionStatus.stage1)
    login_as("organizer")
    assert "blind-view" not in client.get(f"/organizer/editions/{edition.id}/ranking").text
    page = client.get(f"/organizer/editions/{blind.id}/ranking").text  # a CSRF token
    response = client.post(
        f"/organizer/editions/{edition.id}/blind-view",
        data={"csrf_token": csrf_token_from(page), "on": "1"},
    )
    assert response.status_code == 403


def test_no_code_is_assigned_by_reading_a_page(client, login_as, make, db):
    edition = make.edition(status=EditionStatus.stage1)
    make.application(edition=edition, status=ApplicationStatus.submitted)
    login_as("organizer")
    client.get(f"/organizer/editions/{edition.id}/ranking")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EntryCode)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1
