"""Publishing the results: the blockers, the results summary, the e-mail to
every office, and what the office then sees."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.accounts.models import User
from app.awards import chapter as decisions
from app.awards import publishing
from app.awards.models import Award, AwardKind
from app.editions import phases
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.jury import sheets
from app.offices.models import ApplicationStatus
from app.results import snapshot as ranking_snapshot

L, D = AwardKind.laureate, AwardKind.distinction


def decide(ch, name, kind=L, reason="", justification="Wzorowa obsługa"):
    return decisions.record_category_award(
        ch.edition,
        ch.entries[name],
        actor=ch.organizer,
        kind=kind,
        justification=justification,
        departure_reason=reason,
    )


@pytest.mark.usefixtures("english_request_ctx")
def test_publishing_needs_every_category_decided_and_every_award_confirmed(
    make_chapter, db, outbox
):
    ch = make_chapter(categories=3)
    first, second, third = ch.edition.categories
    check = phases.check_next_phase(ch.edition)
    assert check.target is EditionStatus.results_published and not check.allowed
    assert (
        "Categories without a laureate or a withheld award: Kategoria 1, Kategoria 2, Kategoria 3."
        in check.blockers
    )
    decide(ch, "Urząd Alfa")
    decisions.withhold_category(ch.edition, second, actor=ch.organizer, reason="Brak zgłoszeń")
    assert phases.check_next_phase(ch.edition).blockers == [
        "Categories without a laureate or a withheld award: Kategoria 3."
    ]
    decisions.withhold_category(ch.edition, third, actor=ch.organizer, reason="Brak zgłoszeń")
    assert phases.check_next_phase(ch.edition).allowed
    # A correction and a retaken ranking: Alfa's award waits for review.
    sheet = next(a.sheet for a in ch.entries["Urząd Delta"].assignments if a.stage == 2)
    sheets.reopen_sheet(sheet, actor=ch.organizer, reason="Pomyłka")
    sheets.submit_sheet(sheet, actor=ch.juror)
    ranking_snapshot.retake(ch.edition, actor=ch.organizer, reason="Korekta")
    check = phases.check_next_phase(ch.edition)
    assert check.blockers == [
        "1 award was decided on an earlier version of the ranking and must be confirmed "
        "in the chapter."
    ]
    with pytest.raises(LaurelError, match="must be confirmed"):
        phases.advance_phase(ch.edition, actor=ch.organizer, expected=EditionStatus.chapter)
    decisions.confirm_award(db.session.scalar(sa.select(Award)), actor=ch.organizer)
    phases.advance_phase(ch.edition, actor=ch.organizer, expected=EditionStatus.chapter)
    assert ch.edition.status is EditionStatus.results_published


@pytest.fixture
def decided(make_chapter, make, db, english_request_ctx):
    """Category 1: Alfa distinguished, no laureate (withheld); Beta the special
    award; Gamma and Delta nothing. Category 2 (empty): withheld."""
    ch = make_chapter(categories=2)
    decide(ch, "Urząd Alfa", D, justification="Za kartę usług")
    decisions.withhold_category(
        ch.edition, ch.category, actor=ch.organizer, reason="Żaden urząd nie osiągnął progu"
    )
    decisions.withhold_category(
        ch.edition, ch.edition.categories[1], actor=ch.organizer, reason="Brak zgłoszeń"
    )
    decisions.record_special_award(
        ch.edition,
        ch.entries["Urząd Beta"],
        ch.specials[0],
        actor=ch.organizer,
        justification="Pierwsze e-doręczenia w powiecie",
    )
    ch.users = {
        "alfa": make.office_user(office=ch.entries["Urząd Alfa"].office, locale="pl"),
        "beta": make.office_user(office=ch.entries["Urząd Beta"].office, locale="en"),
        "gamma": make.office_user(office=ch.entries["Urząd Gamma"].office, is_active_account=False),
    }
    # An office whose entry stayed a draft is not told.
    draft = make.application(edition=ch.edition, status=ApplicationStatus.draft)
    make.office_user(office=draft.office)
    db.session.commit()
    return ch


def test_results_summary(decided, make, db):
    summary = publishing.results_summary(decided.edition)
    first, second = summary.categories
    assert first.laureates == [] and first.withheld_reason == "Żaden urząd nie osiągnął progu"
    assert [(line.office, line.position) for line in first.distinctions] == [("Urząd Alfa", 1)]
    assert second.withheld_reason == "Brak zgłoszeń" and second.decided
    [special] = summary.specials
    assert special.special_award.name == "Urząd innowacyjny"
    assert [line.office for line in special.winners] == ["Urząd Beta"]
    assert [line.award.kind for line in summary.awards_of(decided.entries["Urząd Beta"].id)] == [
        AwardKind.special
    ]


def test_distinctions_are_listed_in_ranking_order(make_chapter, english_request_ctx):
    ch = make_chapter()
    decide(ch, "Urząd Alfa")
    # Gamma first (it departs from the ranking while Beta has nothing), then Beta.
    decide(ch, "Urząd Gamma", D, reason="Wyróżnienie za e-usługi")
    decide(ch, "Urząd Beta", D)
    [result] = publishing.results_summary(ch.edition).categories
    assert [line.office for line in result.distinctions] == ["Urząd Beta", "Urząd Gamma"]


def _publish(client, edition):
    return client.post(
        f"/organizer/editions/{edition.id}/phases",
        data={"expected": "chapter", "target": "results_published"},
        follow_redirects=True,
    )


def test_publishing_tells_every_office_in_its_language(client, login_as, decided, outbox, db):
    login_as(decided.organizer)
    response = _publish(client, decided.edition)
    assert "Wysłano do urzędów 2 wiadomości o wynikach." in response.text
    db.session.refresh(decided.edition)
    assert decided.edition.status is EditionStatus.results_published
    mails = {m.to: m for m in outbox}
    assert set(mails) == {decided.users["alfa"].email, decided.users["beta"].email}
    alfa = mails[decided.users["alfa"].email]
    assert alfa.subject == f"Laurel: wyniki – {decided.edition.name}"
    assert "Wyróżnienie w kategorii „Kategoria 1”: Za kartę usług" in alfa.body
    assert (
        "Kapituła nie wskazała laureata w kategorii „Kategoria 1”: Żaden urząd nie osiągnął progu"
        in alfa.body
    )
    assert f"/applications/{decided.entries['Urząd Alfa'].id}" in alfa.body
    beta = mails[decided.users["beta"].email]
    assert beta.subject == f"Laurel: the results of {decided.edition.name}"
    assert "Urząd Beta has received:" in beta.body
    assert "Special award “Urząd innowacyjny”: Pierwsze e-doręczenia w powiecie" in beta.body


def test_an_office_without_award_is_told_where_to_look(client, login_as, make, decided, outbox, db):
    delta = decided.entries["Urząd Delta"].office
    user = make.office_user(office=delta, locale="en")
    db.session.commit()
    login_as(decided.organizer)
    _publish(client, decided.edition)
    [mail] = [m for m in outbox if m.to == user.email]
    assert "Urząd Delta has not received an award in this edition." in mail.body
    assert "The results and your application are here:" in mail.body


def test_the_office_sees_its_special_award_and_the_withheld_reason(client, login_as, decided, db):
    login_as(decided.organizer)
    _publish(client, decided.edition)
    client.post("/account/logout")
    beta = decided.entries["Urząd Beta"]
    login_as(decided.users["beta"])
    page = client.get(f"/applications/{beta.id}?lang=pl").text
    assert "Nagroda specjalna: Urząd innowacyjny" in page
    assert "Pierwsze e-doręczenia w powiecie" in page
    assert "Żaden urząd nie osiągnął progu" in page


def test_award_visibility(decided, make, db):
    award = db.session.scalar(sa.select(Award).where(Award.kind == AwardKind.special))
    beta_user = decided.users["beta"]
    stranger = make.office_user()
    assert award.can_view(decided.organizer)
    assert not award.can_view(beta_user)  # before publication
    assert not award.can_view(AnonymousUserMixin())
    decided.edition.status = EditionStatus.results_published
    assert award.can_view(beta_user)
    assert not award.can_view(stranger) and not award.can_view(decided.juror)


def test_results_preview_and_published_page(client, login_as, decided, db):
    login_as(decided.organizer)
    url = f"/organizer/editions/{decided.edition.id}/results"
    page = client.get(url).text
    assert "Podgląd: wyniki nie są jeszcze opublikowane" in page
    assert "Urząd Alfa" in page and "Za kartę usług" in page and "Brak zgłoszeń" in page
    assert "Urząd innowacyjny" in page and "Pierwsze e-doręczenia w powiecie" in page
    _publish(client, decided.edition)
    page = client.get(url).text
    assert "Wyniki są opublikowane." in page
    english = client.get(url + "?lang=en").text
    assert "The chapter did not name a laureate in this category." in english


def test_user_lookup_is_not_needed_for_offices_without_users(decided, db, request_ctx, outbox):
    # Nobody at Delta: no e-mail, no error.
    assert not db.session.scalars(
        sa.select(User).where(User.office_id == decided.entries["Urząd Delta"].office_id)
    ).all()
    decided.edition.status = EditionStatus.results_published
    assert publishing.notify_results(decided.edition) == 2


def test_a_refused_publication_tells_nobody(client, login_as, make_chapter, make, db, outbox):
    ch = make_chapter()  # nothing decided
    make.office_user(office=ch.entries["Urząd Alfa"].office)
    db.session.commit()
    login_as(ch.organizer)
    page = _publish(client, ch.edition).text
    assert "Kategorie bez laureata i bez decyzji o nieprzyznaniu nagrody: Kategoria 1." in page
    db.session.refresh(ch.edition)
    assert ch.edition.status is EditionStatus.chapter and outbox == []
