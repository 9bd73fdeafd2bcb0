"""The ranking snapshot: taken when stage 2 closes, out of date after an
audited correction, retaken with a reason."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEvent
from app.editions import phases
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.jury import sheets
from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus
from app.results import snapshot
from app.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("english_request_ctx")


@pytest.fixture
def contest(make, db):
    """Stage 2 of an edition: two entries scored in both stages by one juror
    (one 0..100 criterion per stage, so a sheet score is the value)."""
    edition = make.edition(status=EditionStatus.stage2, areas=0)
    area = make.area(edition=edition)
    c1 = make.criterion(area=area, stage=1, max_score=100)
    c2 = make.criterion(area=area, stage=2, max_score=100)
    juror = make.juror(edition=edition)
    juror.jury_memberships[0].conflicts_confirmed_at = utcnow()
    entries = {}
    for name, s1, s2 in (("Alfa", 80, 60), ("Beta", 70, 90)):
        entry = make.application(
            edition=edition, office=make.office(name=name), status=ApplicationStatus.qualified
        )
        make.sheet(application=entry, juror=juror, stage=1, values={c1: s1})
        make.sheet(application=entry, juror=juror, stage=2, values={c2: s2})
        entries[name] = entry
    edition.score_mode = edition.score_mode.raw
    db.session.commit()
    return edition, entries, juror, c2


def test_closing_stage_2_freezes_the_final_ranking(make, db, contest):
    edition, entries, _juror, _c2 = contest
    organizer = make.organizer()
    phases.advance_phase(edition, actor=organizer, expected=EditionStatus.stage2)
    snap = snapshot.current(edition)
    assert snap.version == 1 and snap.taken_by_id == organizer.id
    assert (snap.stage1_weight, snap.stage2_weight, snap.tie_rule) == (
        40.0,
        60.0,
        "stage2,checklist,stage1",
    )
    rows = {e.application.office.name: e for e in snapshot.entries(snap)}
    # Alfa 0.4·80 + 0.6·60 = 68; Beta 0.4·70 + 0.6·90 = 82.
    assert rows["Beta"].final_raw == pytest.approx(82) and rows["Beta"].position == 1
    assert rows["Alfa"].final_raw == pytest.approx(68) and rows["Alfa"].position == 2
    assert rows["Alfa"].stage1_raw == 80 and rows["Alfa"].stage2_raw == 60
    assert not snapshot.is_stale(edition)
    assert db.session.query(AuditEvent).filter_by(action="ranking.snapshot").count() == 1


def test_a_correction_makes_the_snapshot_stale_until_retaken(make, db, contest):
    edition, entries, juror, c2 = contest
    organizer = make.organizer()
    phases.advance_phase(edition, actor=organizer, expected=EditionStatus.stage2)
    alfa_sheet = next(a.sheet for a in entries["Alfa"].assignments if a.stage == 2)
    assert alfa_sheet.status is SheetStatus.locked
    # The juror cannot touch a locked sheet; the organizer reopens it for correction.
    assert not alfa_sheet.can_edit(juror)
    sheets.reopen_sheet(alfa_sheet, actor=organizer, reason="Pomyłka w punktacji")
    assert alfa_sheet.reopened_for_correction and alfa_sheet.can_edit(juror)
    assert snapshot.is_stale(edition)
    check = phases.check_next_phase(edition)
    assert any("retake" in b for b in check.blockers)
    with pytest.raises(LaurelError, match="not been submitted again"):
        snapshot.retake(edition, actor=organizer, reason="Korekta")
    # The juror corrects and resubmits: the sheet is locked again.
    alfa_sheet.scores[0].value = 100
    alfa_sheet.scores[0].strengths = "Karta usług w pełni wdrożona"
    sheets.submit_sheet(alfa_sheet, actor=juror)
    assert alfa_sheet.status is SheetStatus.locked and not alfa_sheet.reopened_for_correction
    assert snapshot.is_stale(edition)
    with pytest.raises(LaurelError, match="reason"):
        snapshot.retake(edition, actor=organizer, reason="  ")
    new = snapshot.retake(edition, actor=organizer, reason="Korekta karty Alfy")
    assert new.version == 2 and new.reason == "Korekta karty Alfy"
    old = [s for s in snapshot.history(edition) if s.version == 1][0]
    assert old.superseded_at is not None and not old.is_current
    rows = {e.application.office.name: e for e in snapshot.entries(new)}
    # Alfa 0.4·80 + 0.6·100 = 92 now ranks first.
    assert rows["Alfa"].position == 1 and rows["Alfa"].final_raw == pytest.approx(92)
    assert not snapshot.is_stale(edition)
    assert not any("retake" in b for b in phases.check_next_phase(edition).blockers)
    event = db.session.query(AuditEvent).filter_by(action="sheet.reopened").one()
    assert event.after["correction"] is True


def test_locked_sheets_are_not_reopened_outside_the_chapter(make, db, contest):
    edition, entries, _juror, _c2 = contest
    organizer = make.organizer()
    phases.advance_phase(edition, actor=organizer, expected=EditionStatus.stage2)
    sheet = entries["Beta"].assignments[0].sheet
    edition.status = EditionStatus.results_published
    db.session.flush()
    assert not sheet.can_reopen(organizer)
    with pytest.raises(LaurelError):
        sheets.reopen_sheet(sheet, actor=organizer, reason="Za późno")


def test_retake_needs_the_chapter_phase_and_a_snapshot(make, contest):
    edition, *_ = contest
    with pytest.raises(LaurelError):
        snapshot.retake(edition, actor=make.organizer(), reason="Korekta")
    edition.status = EditionStatus.chapter
    with pytest.raises(LaurelError, match="no ranking snapshot"):
        snapshot.retake(edition, actor=make.organizer(), reason="Korekta")


def test_publishing_needs_a_snapshot(make, db):
    edition = make.edition(status=EditionStatus.chapter)
    check = phases.check_next_phase(edition)
    assert any("snapshot" in b for b in check.blockers)
