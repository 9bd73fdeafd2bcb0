"""The chapter's pages: who may open them, in which phase, what they show,
the decision forms, and the constant number of queries."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.awards.models import Award, AwardKind, WithheldAward
from app.editions.models import EditionStatus
from app.jury.models import ScoreSheet
from app.results import snapshot as ranking_snapshot

E = "/organizer/editions/{edition}"
GET_PAGES = [
    E + "/special-awards",
    E + "/chapter",
    E + "/chapter/categories/{category}",
    E + "/results",
]
POSTS = [
    (E + "/special-awards", {"name": "Nowa"}),
    (E + "/special-awards/{special}/edit", {"name": "Nowa"}),
    (E + "/special-awards/{special}/delete", {}),
    (E + "/chapter/retake", {"reason": "Korekta"}),
    (
        E + "/chapter/categories/{category}/awards",
        {"award-application_id": "{alfa}", "award-kind": "laureate", "award-justification": "x"},
    ),
    (
        E + "/chapter/categories/{category}/special",
        {
            "special-application_id": "{alfa}",
            "special-special_award_id": "{special}",
            "special-justification": "x",
        },
    ),
    (E + "/chapter/categories/{category}/withhold", {"withhold-reason": "Za słabo"}),
    (E + "/chapter/categories/{category}/withhold/undo", {}),
    (E + "/chapter/awards/{award}/withdraw", {}),
    (E + "/chapter/awards/{award}/confirm", {}),
]


@pytest.fixture
def ids(chapter, db):
    """The chapter with one award (Alfa laureate) to act on."""
    award = Award(
        edition_id=chapter.edition.id,
        application_id=chapter.entries["Urząd Alfa"].id,
        category_id=chapter.category.id,
        kind=AwardKind.laureate,
        justification="Najlepsza karta usług",
        snapshot_id=ranking_snapshot.current(chapter.edition).id,
    )
    db.session.add(award)
    db.session.commit()
    return {
        "edition": chapter.edition.id,
        "category": chapter.category.id,
        "special": chapter.specials[0].id,
        "alfa": chapter.entries["Urząd Alfa"].id,
        "award": award.id,
    }


def _login(role, login_as, make, chapter):
    if role == "juror":
        login_as(chapter.juror)
    elif role == "office":
        login_as(make.office_user(office=chapter.entries["Urząd Alfa"].office))
    elif role == "organizer":
        login_as(chapter.organizer)


def _fill(value, ids):
    return value.format(**ids)


@pytest.mark.parametrize("url", GET_PAGES)
@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("office", 403), ("juror", 403), ("organizer", 200)]
)
def test_get_permission_matrix(client, login_as, make, chapter, ids, url, role, expected):
    _login(role, login_as, make, chapter)
    response = client.get(_fill(url, ids))
    assert response.status_code == expected
    if role == "anonymous":
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize(("url", "data"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("office", 403), ("juror", 403)]
)
def test_post_refused_to_everyone_but_organizers(
    client, login_as, make, db, chapter, ids, url, data, role, expected
):
    _login(role, login_as, make, chapter)
    before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    data = {k: _fill(v, ids) for k, v in data.items()}
    response = client.post(_fill(url, ids), data=data)
    assert response.status_code == expected
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == before


@pytest.mark.parametrize(("url", "data"), POSTS[3:], ids=[p[0] for p in POSTS[3:]])
def test_decisions_refused_after_publication(client, login_as, db, chapter, ids, url, data):
    chapter.edition.status = EditionStatus.results_published
    db.session.commit()
    login_as(chapter.organizer)
    data = {k: _fill(v, ids) for k, v in data.items()}
    assert client.post(_fill(url, ids), data=data).status_code == 403
    # The pages stay readable.
    assert client.get(_fill(E + "/chapter", ids)).status_code == 200
    page = client.get(_fill(E + "/chapter/categories/{category}", ids)).text
    assert "Najlepsza karta usług" in page and "Wycofaj" not in page


@pytest.mark.parametrize(("url", "data"), POSTS[:3], ids=[p[0] for p in POSTS[:3]])
def test_special_awards_fixed_after_publication(client, login_as, db, chapter, ids, url, data):
    chapter.edition.status = EditionStatus.results_published
    db.session.commit()
    login_as(chapter.organizer)
    assert client.post(_fill(url, ids), data=data).status_code == 403
    page = client.get(_fill(E + "/special-awards", ids)).text
    assert "Urząd innowacyjny" in page and "Dodaj nagrodę specjalną" not in page


@pytest.mark.parametrize(
    "url", [E + "/chapter", E + "/chapter/categories/{category}"], ids=["overview", "category"]
)
def test_chapter_pages_wait_for_the_chapter_phase(client, login_as, make, db, url):
    edition = make.edition(status=EditionStatus.stage2)
    db.session.commit()
    login_as("organizer")
    url = url.format(edition=edition.id, category=edition.categories[0].id)
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organizer/editions/{edition.id}/phases")
    page = client.get(url, follow_redirects=True).text
    assert "Strony kapituły otwierają się po zamknięciu etapu II." in page


def test_objects_of_another_edition_are_404(client, login_as, make_chapter, chapter, ids, db):
    other = make_chapter()
    other_award = Award(
        edition_id=other.edition.id,
        application_id=other.entries["Urząd Beta"].id,
        category_id=other.category.id,
        kind=AwardKind.distinction,
        justification="x",
    )
    db.session.add(other_award)
    db.session.commit()
    login_as(chapter.organizer)
    e = chapter.edition.id
    assert (
        client.get(f"/organizer/editions/{e}/chapter/categories/{other.category.id}").status_code
        == 404
    )
    for url in (
        f"/organizer/editions/{e}/chapter/awards/{other_award.id}/withdraw",
        f"/organizer/editions/{e}/chapter/awards/{other_award.id}/confirm",
        f"/organizer/editions/{e}/chapter/categories/{other.category.id}/withhold/undo",
        f"/organizer/editions/{e}/special-awards/{other.specials[0].id}/delete",
    ):
        assert client.post(url).status_code == 404
    assert (
        client.get(
            f"/organizer/editions/{e}/special-awards/{other.specials[0].id}/edit"
        ).status_code
        == 404
    )
    assert client.get("/organizer/editions/999999/chapter").status_code == 404
    # An entry of another edition in the decision form is not a valid choice.
    response = client.post(
        f"/organizer/editions/{e}/chapter/categories/{chapter.category.id}/awards",
        data={
            "award-application_id": other.entries["Urząd Alfa"].id,
            "award-kind": "laureate",
            "award-justification": "x",
        },
    )
    assert response.status_code == 200
    assert 'id="award-application_id-error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(Award.id))) == 2


def test_overview_shows_the_ranking_decisions_and_history(client, login_as, chapter, ids):
    login_as(chapter.organizer)
    page = client.get(_fill(E + "/chapter", ids)).text
    for text in ("Urząd Alfa", "Urząd Delta", "90.00", "60.00", "Laureat", "Rozstrzygnięta"):
        assert text in page
    assert "surowych wyników" in page  # ranked by raw scores
    assert "etap I × 40 % + etap II × 60 %" in page
    assert "Wersje rankingu" in page and "zamknięcie etapu II" in page


def test_category_page_shows_every_jurors_scores_and_links(
    client, login_as, chapter, ids, db, make
):
    visit = make.visit(application=chapter.entries["Urząd Beta"])
    make.finding(application=chapter.entries["Urząd Beta"])
    db.session.commit()
    login_as(chapter.organizer)
    page = client.get(_fill(E + "/chapter/categories/{category}", ids)).text
    assert "Jan Sędzia" in page and "Karta usług" in page and "Wizyta kontrolna" in page
    assert "Mocna strona Urząd Gamma" in page and "Do poprawy Urząd Gamma" in page
    beta = chapter.entries["Urząd Beta"].id
    assert f"/applications/{beta}" in page
    assert f"/jury/applications/{beta}/findings" in page and f"/jury/visits/{visit.id}" in page
    # One click away, and the organizer may open them.
    for url in (f"/applications/{beta}", f"/jury/applications/{beta}/findings"):
        assert client.get(url).status_code == 200
    assert client.get(f"/jury/visits/{visit.id}").status_code == 200
    assert "Najlepsza karta usług" in page


def test_record_a_laureate_through_the_form(client, login_as, chapter, ids, db):
    login_as(chapter.organizer)
    url = _fill(E + "/chapter/categories/{category}/awards", ids)
    beta = chapter.entries["Urząd Beta"].id
    data = {
        "award-application_id": beta,
        "award-kind": "laureate",
        "award-justification": "Druga najlepsza karta",
    }
    response = client.post(url, data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("#decisions")
    award = db.session.scalar(sa.select(Award).where(Award.application_id == beta))
    assert award.kind is AwardKind.laureate and award.justification == "Druga najlepsza karta"


def test_a_departure_without_reason_is_a_form_error(client, login_as, chapter, ids, db):
    login_as(chapter.organizer)
    url = _fill(E + "/chapter/categories/{category}/awards", ids)
    delta = chapter.entries["Urząd Delta"].id
    data = {"award-application_id": delta, "award-kind": "laureate", "award-justification": "Tak"}
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert "odbiega od kolejności rankingu" in response.text
    assert 'aria-invalid="true"' in response.text and "Tak</textarea>" in response.text
    assert db.session.scalar(sa.select(Award).where(Award.application_id == delta)) is None
    data["award-departure_reason"] = "Najlepsze e-usługi w kategorii"
    assert client.post(url, data=data).status_code == 302
    page = client.get(_fill(E + "/chapter/categories/{category}", ids)).text
    assert "odbiega od rankingu" in page and "Najlepsze e-usługi w kategorii" in page


def test_special_award_withhold_and_withdraw_through_the_forms(client, login_as, chapter, ids, db):
    login_as(chapter.organizer)
    base = _fill(E + "/chapter/categories/{category}", ids)
    response = client.post(
        base + "/special",
        data={
            "special-application_id": ids["alfa"],
            "special-special_award_id": ids["special"],
            "special-justification": "Pierwszy urząd z e-doręczeniami",
        },
    )
    assert response.status_code == 302
    page = client.get(base).text
    assert "Nagroda specjalna: Urząd innowacyjny" in page
    # Withholding is refused while Alfa is laureate.
    response = client.post(base + "/withhold", data={"withhold-reason": "Za słabo"})
    assert response.status_code == 200 and "Kategoria ma laureata (Urząd Alfa)" in response.text
    client.post(_fill(E + "/chapter/awards/{award}/withdraw", ids))
    assert db.session.get(Award, ids["award"]) is None
    client.post(base + "/withhold", data={"withhold-reason": "Żaden urząd nie spełnił progu"})
    assert db.session.scalar(sa.select(WithheldAward.reason)) == "Żaden urząd nie spełnił progu"
    client.post(base + "/withhold/undo")
    assert db.session.scalar(sa.select(sa.func.count(WithheldAward.id))) == 0


def test_stale_snapshot_banner_retake_and_review(client, login_as, chapter, ids, db, outbox):
    sheet = db.session.scalar(sa.select(ScoreSheet).where(ScoreSheet.stage == 2))
    login_as(chapter.organizer)
    client.post(f"/organizer/sheets/{sheet.id}/reopen", data={"reason": "Pomyłka"})
    db.session.expire_all()
    assert ranking_snapshot.is_stale(chapter.edition)
    page = client.get(_fill(E + "/chapter", ids)).text
    assert "Decyzje są wstrzymane do czasu ponownego zapisania rankingu." in page
    assert "Zapisz ranking ponownie" in page
    category_page = client.get(_fill(E + "/chapter/categories/{category}", ids)).text
    assert "Zapisz nagrodę" not in category_page
    response = client.post(
        _fill(E + "/chapter/categories/{category}/awards", ids),
        data={
            "award-application_id": ids["alfa"],
            "award-kind": "distinction",
            "award-justification": "x",
        },
    )
    assert response.status_code == 200 and "ponownie" in response.text
    # The sheet comes back submitted (as the juror would), then the ranking is retaken.
    db.session.execute(
        sa.update(ScoreSheet)
        .where(ScoreSheet.id == sheet.id)
        .values(status="locked", reopened_for_correction=False, submitted_at=sa.func.now())
    )
    db.session.commit()
    client.post(_fill(E + "/chapter/retake", ids), data={"reason": "Korekta karty"})
    assert ranking_snapshot.current(chapter.edition).version == 2
    page = client.get(_fill(E + "/chapter/categories/{category}", ids)).text
    assert "do przejrzenia" in page and "Potwierdź" in page
    client.post(_fill(E + "/chapter/awards/{award}/confirm", ids))
    award = db.session.get(Award, ids["award"])
    db.session.refresh(award)
    assert award.snapshot_id == ranking_snapshot.current(chapter.edition).id


def test_retake_needs_a_reason(client, login_as, chapter, ids):
    login_as(chapter.organizer)
    response = client.post(
        _fill(E + "/chapter/retake", ids), data={"reason": ""}, follow_redirects=True
    )
    assert "Podaj powód ponownego zapisania rankingu." in response.text


def test_pages_in_english(client, login_as, chapter, ids):
    login_as(chapter.organizer)
    for url in GET_PAGES:
        page = client.get(_fill(url, ids) + "?lang=en").text
        assert 'lang="en"' in page
    assert "Deliberate on the category" in client.get(_fill(E + "/chapter", ids)).text
    assert (
        "Scores and comments" in client.get(_fill(E + "/chapter/categories/{category}", ids)).text
    )


def _statements(db, client, url) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    # Nothing from the test's own work in the session: every request starts cold.
    db.session.expunge_all()
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("path", ["/chapter/categories/{category}", "/chapter", "/results"])
def test_queries_do_not_grow_with_the_category(client, login_as, make_chapter, make, db, path):
    small = make_chapter({"Urząd A": 90, "Urząd B": 80})
    big = make_chapter(
        {f"Urząd {i:02}": 50 + i for i in range(12)}, unranked=("Urząd X", "Urząd Y")
    )
    for ch in (small, big):
        # A second juror, visits, findings, and awards on every entry.
        second = make.juror(edition=ch.edition)
        for n, entry in enumerate(ch.entries.values()):
            make.sheet(application=entry, juror=second, stage=1, fill=40)
            make.visit(application=entry)
            make.finding(application=entry)
            db.session.add(
                Award(
                    edition_id=ch.edition.id,
                    application_id=entry.id,
                    category_id=entry.category_id,
                    kind=AwardKind.special,
                    special_award_id=ch.specials[0].id,
                    justification=f"Uzasadnienie {n}",
                )
            )
    db.session.commit()
    login_as(small.organizer)
    urls = [
        (E + path).format(edition=ch.edition.id, category=ch.category.id) for ch in (small, big)
    ]
    counts = [_statements(db, client, url) for url in urls]
    assert counts[0] == counts[1], counts


def test_details_come_ten_entries_a_page(client, login_as, make_chapter):
    ch = make_chapter({f"Urząd {i:02}": 50 + i for i in range(12)})
    login_as(ch.organizer)
    url = f"/organizer/editions/{ch.edition.id}/chapter/categories/{ch.category.id}"
    first = client.get(url).text
    # The ranking lists all twelve; the details show positions 1 to 10.
    assert "Urząd 00" in first and "Mocna strona Urząd 02" in first
    assert "Mocna strona Urząd 01" not in first
    last = ch.entries["Urząd 00"].id
    assert f"page=2#entry-{last}" in first
    second = client.get(url + "?page=2").text
    assert "Mocna strona Urząd 01" in second and "Mocna strona Urząd 11" not in second
    assert "Pozycje od 11 do 12 rankingu." in second
    assert client.get(url + "?page=3").status_code == 404
    assert client.get(url + "?page=0").status_code == 404
