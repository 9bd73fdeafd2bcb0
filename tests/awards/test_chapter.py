"""The chapter's decisions (services, without a request client)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.awards import chapter as decisions
from app.awards.models import Award, AwardKind, WithheldAward
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.jury import sheets
from app.jury.models import SheetStatus
from app.results import snapshot as ranking_snapshot

pytestmark = pytest.mark.usefixtures("english_request_ctx")

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


def events(db, action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_laureate_in_ranking_order(chapter, db):
    award = decide(chapter, "Urząd Alfa")
    snapshot = ranking_snapshot.current(chapter.edition)
    assert award.kind is L and award.category_id == chapter.category.id
    assert award.snapshot_id == snapshot.id and award.decided_by_id == chapter.organizer.id
    assert award.departure_reason == ""
    [event] = events(db, "award.decide")
    assert event.before is None
    assert event.after["kind"] == "laureate" and event.after["justification"] == "Wzorowa obsługa"


def test_several_laureates_in_ranking_order_need_no_reason(chapter):
    for name in ("Urząd Alfa", "Urząd Beta", "Urząd Gamma"):
        decide(chapter, name)
    decide(chapter, "Urząd Delta", D)


def test_a_laureate_below_an_entry_without_award_needs_a_reason(chapter, db):
    with pytest.raises(decisions.DepartureReasonNeeded, match="Urząd Alfa, Urząd Beta"):
        decide(chapter, "Urząd Gamma")
    award = decide(chapter, "Urząd Gamma", reason="Najlepsza obsługa cyfrowa")
    assert award.departure_reason == "Najlepsza obsługa cyfrowa"


def test_a_lower_award_to_a_better_ranked_entry_needs_a_reason(chapter):
    decide(chapter, "Urząd Alfa")
    decide(chapter, "Urząd Beta")
    # Alfa demoted to distinction while Beta (ranked below) stays laureate.
    with pytest.raises(decisions.DepartureReasonNeeded, match="Urząd Beta"):
        decide(chapter, "Urząd Alfa", D)
    award = decide(chapter, "Urząd Alfa", D, reason="Skarga potwierdzona po wizycie")
    assert award.kind is D


def test_a_second_category_award_replaces_the_first(chapter, db):
    first = decide(chapter, "Urząd Alfa", D)
    second = decide(chapter, "Urząd Alfa", L, justification="Najlepszy w kategorii")
    assert first.id == second.id and second.kind is L
    assert db.session.scalar(sa.select(sa.func.count(Award.id))) == 1
    event = events(db, "award.decide")[-1]
    assert event.before["kind"] == "distinction" and event.after["kind"] == "laureate"


def test_the_database_allows_one_category_award_per_entry(chapter, db):
    award = decide(chapter, "Urząd Alfa")
    db.session.add(
        Award(
            edition_id=award.edition_id,
            application_id=award.application_id,
            category_id=award.category_id,
            kind=D,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_only_ranked_entries_get_category_awards(make_chapter):
    ch = make_chapter(unranked=("Urząd Epsilon",))
    with pytest.raises(LaurelError, match="ranked in the current ranking"):
        decide(ch, "Urząd Epsilon")
    # A special award may go to an entry without a final score.
    award = decisions.record_special_award(
        ch.edition,
        ch.entries["Urząd Epsilon"],
        ch.specials[0],
        actor=ch.organizer,
        justification="E-usługi dla seniorów",
    )
    assert award.kind is AwardKind.special and award.category_id == ch.category.id


def test_a_justification_is_required(chapter):
    with pytest.raises(LaurelError, match="justification"):
        decide(chapter, "Urząd Alfa", justification="   ")
    with pytest.raises(LaurelError, match="justification"):
        decisions.record_special_award(
            chapter.edition,
            chapter.entries["Urząd Alfa"],
            chapter.specials[0],
            actor=chapter.organizer,
            justification="",
        )


def test_entries_and_special_awards_of_another_edition_are_refused(chapter, make_chapter):
    other = make_chapter()
    with pytest.raises(LaurelError, match="another edition"):
        decisions.record_category_award(
            chapter.edition,
            other.entries["Urząd Alfa"],
            actor=chapter.organizer,
            kind=L,
            justification="x",
        )
    with pytest.raises(LaurelError, match="another edition"):
        decisions.record_special_award(
            chapter.edition,
            chapter.entries["Urząd Alfa"],
            other.specials[0],
            actor=chapter.organizer,
            justification="x",
        )


def test_decisions_only_in_the_chapter_phase_by_organizers(chapter, make, db):
    with pytest.raises(LaurelError, match="organizers"):
        decisions.record_category_award(
            chapter.edition,
            chapter.entries["Urząd Alfa"],
            actor=chapter.juror,
            kind=L,
            justification="x",
        )
    chapter.edition.status = EditionStatus.results_published
    db.session.flush()
    with pytest.raises(LaurelError, match="while the chapter deliberates"):
        decide(chapter, "Urząd Alfa")
    with pytest.raises(LaurelError):
        decisions.withhold_category(
            chapter.edition, chapter.category, actor=chapter.organizer, reason="x"
        )


def test_withholding_and_laureates_exclude_each_other(chapter, db):
    decide(chapter, "Urząd Alfa")
    with pytest.raises(LaurelError, match="has a laureate .Urząd Alfa."):
        decisions.withhold_category(
            chapter.edition, chapter.category, actor=chapter.organizer, reason="Za słabo"
        )
    award = db.session.scalar(sa.select(Award))
    decisions.withdraw_award(award, actor=chapter.organizer)
    withheld = decisions.withhold_category(
        chapter.edition,
        chapter.category,
        actor=chapter.organizer,
        reason="Żaden urząd nie spełnił progu",
    )
    assert withheld.reason == "Żaden urząd nie spełnił progu"
    with pytest.raises(LaurelError, match="withheld"):
        decide(chapter, "Urząd Alfa")
    # A distinction is still possible in a withheld category.
    decide(chapter, "Urząd Alfa", D)
    # Withholding again changes the reason; undoing it makes the category open again.
    decisions.withhold_category(
        chapter.edition, chapter.category, actor=chapter.organizer, reason="Nowy powód"
    )
    assert events(db, "award.withhold")[-1].before == {"reason": "Żaden urząd nie spełnił progu"}
    decisions.undo_withhold(chapter.edition, chapter.category, actor=chapter.organizer)
    assert db.session.scalar(sa.select(sa.func.count(WithheldAward.id))) == 0
    assert events(db, "award.unwithhold")[0].before["reason"] == "Nowy powód"
    decide(chapter, "Urząd Alfa")
    with pytest.raises(LaurelError, match="not withheld"):
        decisions.undo_withhold(chapter.edition, chapter.category, actor=chapter.organizer)


def test_withholding_needs_a_reason(chapter):
    with pytest.raises(LaurelError, match="reason"):
        decisions.withhold_category(
            chapter.edition, chapter.category, actor=chapter.organizer, reason=" "
        )


def test_withdrawal_is_audited_and_refused_when_it_leaves_an_unexplained_departure(chapter, db):
    alfa = decide(chapter, "Urząd Alfa")
    decide(chapter, "Urząd Beta", D)
    with pytest.raises(LaurelError, match="Urząd Beta"):
        decisions.withdraw_award(alfa, actor=chapter.organizer)
    # Beta's award recorded again with a reason: now Alfa's can go.
    decide(chapter, "Urząd Beta", D, reason="Alfa wycofała zgłoszenie")
    decisions.withdraw_award(alfa, actor=chapter.organizer)
    [event] = events(db, "award.withdraw")
    assert event.before["kind"] == "laureate" and event.after is None
    assert db.session.scalar(sa.select(sa.func.count(Award.id))) == 1


def _correct_and_retake(ch, name, value):
    """Reopen the entry's stage-2 sheet, give it `value`, resubmit, retake."""
    sheet = next(a.sheet for a in ch.entries[name].assignments if a.stage == 2)
    sheets.reopen_sheet(sheet, actor=ch.organizer, reason="Pomyłka")
    sheet.scores[0].value = value
    sheet.scores[0].strengths = "Obsługa w języku migowym"
    sheet.scores[0].improvements = "Brak karty usług"
    sheets.submit_sheet(sheet, actor=ch.juror)
    assert sheet.status is SheetStatus.locked
    return ranking_snapshot.retake(ch.edition, actor=ch.organizer, reason="Korekta")


def test_a_stale_snapshot_refuses_decisions_until_retaken(chapter, db, outbox):
    decide(chapter, "Urząd Alfa")
    sheet = next(a.sheet for a in chapter.entries["Urząd Delta"].assignments if a.stage == 2)
    sheets.reopen_sheet(sheet, actor=chapter.organizer, reason="Pomyłka")
    for attempt in (
        lambda: decide(chapter, "Urząd Beta"),
        lambda: decisions.withhold_category(
            chapter.edition, chapter.category, actor=chapter.organizer, reason="x"
        ),
        lambda: decisions.withdraw_award(
            db.session.scalar(sa.select(Award)), actor=chapter.organizer
        ),
    ):
        with pytest.raises(LaurelError, match="retake the ranking"):
            attempt()


def test_decisions_on_a_superseded_snapshot_wait_for_review(chapter, db, outbox):
    alfa = decide(chapter, "Urząd Alfa")
    beta = decide(chapter, "Urząd Beta", D)
    old = alfa.snapshot_id
    # Beta's corrected stage 2 (10): 0.4·80 + 0.6·10 = 38, now last.
    new = _correct_and_retake(chapter, "Urząd Beta", 10)
    assert new.id != old and ranking_snapshot.current(chapter.edition).id == new.id
    assert alfa.needs_review(new.id) and beta.needs_review(new.id)
    decisions.confirm_award(alfa, actor=chapter.organizer)
    assert alfa.snapshot_id == new.id and not alfa.needs_review(new.id)
    # Beta's distinction now sits below Gamma and Delta, who have nothing.
    with pytest.raises(LaurelError, match="Record the decision again"):
        decisions.confirm_award(beta, actor=chapter.organizer)
    assert beta.needs_review(new.id)
    decide(chapter, "Urząd Beta", D, reason="Wyróżnienie za e-usługi mimo korekty")
    assert not beta.needs_review(new.id)
    event = events(db, "award.confirm")[0]
    assert event.before == {"snapshot_id": old} and event.after["snapshot_id"] == new.id
