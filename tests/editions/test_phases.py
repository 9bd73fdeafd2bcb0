"""The phase machine: every allowed move, every refused one, the checks,
the confirm path and the locking of score sheets."""

from __future__ import annotations

import datetime as dt

import pytest

from app.audit.models import AuditEvent
from app.awards.models import WithheldAward
from app.editions import phases
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus
from app.results import snapshot as ranking_snapshot
from app.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("request_ctx")

S = EditionStatus
ORDER = list(EditionStatus)


def ready_edition(make, status):
    """An edition in `status` whose next move has nothing blocking it."""
    edition = make.edition(status=status, applications_close_at=utcnow() + dt.timedelta(days=9))
    if status is S.applications_open:
        make.application(edition=edition, status=ApplicationStatus.submitted)
    if status is S.stage1:
        make.application(edition=edition, status=ApplicationStatus.submitted)
        make.confirmed_list(edition)
    if status is S.chapter:
        ranking_snapshot.take(edition, actor=None)
        # Publishing needs every category decided: no entries, so withheld.
        for category in edition.categories:
            make.db.session.add(
                WithheldAward(
                    edition_id=edition.id, category_id=category.id, reason="Brak zgłoszeń"
                )
            )
        make.db.session.flush()
    return edition


@pytest.mark.parametrize("status", ORDER[:-1], ids=lambda s: s.value)
def test_every_allowed_move(make, db, status):
    actor = make.organizer()
    edition = ready_edition(make, status)
    phases.advance_phase(edition, actor=actor, expected=status, target=status.next)
    assert edition.status is status.next
    event = db.session.query(AuditEvent).filter_by(action="edition.phase").one()
    assert event.before == {"status": status.value}
    assert event.after["status"] == status.next.value
    assert event.actor_id == actor.id


REFUSED = [
    (current, target)
    for current in ORDER
    for target in ORDER
    if ORDER.index(target) != ORDER.index(current) + 1
]


@pytest.mark.parametrize(
    ("current", "target"), REFUSED, ids=[f"{c.value}->{t.value}" for c, t in REFUSED]
)
def test_every_skip_backward_or_standstill_is_refused(make, db, current, target):
    edition = ready_edition(make, current)
    with pytest.raises(LaurelError):
        phases.advance_phase(edition, actor=make.organizer(), expected=current, target=target)
    db.session.refresh(edition)
    assert edition.status is current
    assert db.session.query(AuditEvent).filter_by(action="edition.phase").count() == 0


def test_archived_has_no_next_phase(make):
    edition = make.edition(status=S.archived)
    check = phases.check_next_phase(edition)
    assert check.target is None and not check.allowed
    with pytest.raises(LaurelError, match="archived"):
        phases.advance_phase(edition, actor=make.organizer(), expected=S.archived)


def test_double_submit_does_not_skip_a_phase(make, db):
    """Two forms rendered in `draft`: the second one is refused, not applied to stage 1."""
    edition = ready_edition(make, S.draft)
    actor = make.organizer()
    phases.advance_phase(edition, actor=actor, expected=S.draft, target=S.applications_open)
    with pytest.raises(LaurelError, match="changed in the meantime"):
        phases.advance_phase(edition, actor=actor, expected=S.draft, target=S.applications_open)
    assert edition.status is S.applications_open


def test_stale_row_is_refused_by_the_conditional_update(make, db):
    """Another request moved the row after this one loaded the edition."""
    import sqlalchemy as sa

    from app.editions.models import Edition

    edition = ready_edition(make, S.stage1)
    db.session.execute(
        sa.update(Edition)
        .where(Edition.id == edition.id)
        .values(status=S.stage2)
        .execution_options(synchronize_session=False)
    )
    assert edition.status is S.stage1  # this request still sees stage 1
    with pytest.raises(LaurelError, match="changed in the meantime"):
        phases.advance_phase(edition, actor=make.organizer(), expected=S.stage1)
    db.session.refresh(edition)
    assert edition.status is S.stage2


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"categories": 0}, "category"),
        ({"areas": 0}, "criterion"),
        ({"applications_close_at": None}, "applications close"),
    ],
)
def test_opening_applications_needs_category_criterion_and_close_date(make, db, kw, message):
    kw.setdefault("applications_close_at", utcnow() + dt.timedelta(days=9))
    edition = make.edition(status=S.draft, **kw)
    check = phases.check_next_phase(edition)
    assert not check.allowed
    assert any(message in b for b in check.blockers)
    with pytest.raises(LaurelError, match=message):
        phases.advance_phase(edition, actor=make.organizer(), expected=S.draft)
    assert edition.status is S.draft


def test_areas_without_criteria_do_not_count(make):
    edition = make.edition(
        status=S.draft, areas=0, applications_close_at=utcnow() + dt.timedelta(days=9)
    )
    make.area(edition=edition)
    with pytest.raises(LaurelError, match="criterion"):
        phases.advance_phase(edition, actor=make.organizer(), expected=S.draft)


def test_stage1_needs_a_submitted_application(make, db):
    edition = make.edition(status=S.applications_open)
    make.application(edition=edition)  # a draft does not count
    with pytest.raises(LaurelError, match="No application has been submitted"):
        phases.advance_phase(edition, actor=make.organizer(), expected=S.applications_open)
    assert edition.status is S.applications_open


def _stage_with_sheets(make, make_sheet, status, stage):
    edition = make.edition(status=status)
    juror_a = make.juror(edition=edition, full_name="Anna Jurorka")
    juror_b = make.juror(edition=edition, full_name="Bartosz Juror")
    done = make.application(
        edition=edition, status=ApplicationStatus.submitted, office=make.office(name="Urząd A")
    )
    other = make.application(
        edition=edition, status=ApplicationStatus.submitted, office=make.office(name="Urząd B")
    )
    sheets = {
        "submitted": make_sheet(make.assignment(application=done, juror=juror_a, stage=stage)),
        "draft": make_sheet(
            make.assignment(application=other, juror=juror_a, stage=stage), SheetStatus.draft
        ),
        # the other stage's submitted sheet must not be touched
        "other_stage": make_sheet(
            make.assignment(application=done, juror=juror_b, stage=3 - stage)
        ),
    }
    if status is S.stage1:
        make.confirmed_list(edition)
    make.assignment(application=other, juror=juror_b, stage=stage)  # not started
    return edition, sheets


@pytest.mark.parametrize(("status", "stage"), [(S.stage1, 1), (S.stage2, 2)])
def test_missing_sheets_need_confirmation(make, make_sheet, db, status, stage):
    edition, _sheets = _stage_with_sheets(make, make_sheet, status, stage)
    check = phases.check_next_phase(edition)
    assert check.allowed and check.closing_stage == stage
    assert [(m.juror_name, m.office_name, m.sheet_status) for m in check.missing] == [
        ("Anna Jurorka", "Urząd B", SheetStatus.draft),
        ("Bartosz Juror", "Urząd B", None),
    ]
    with pytest.raises(phases.MissingSheetsError) as refused:
        phases.advance_phase(edition, actor=make.organizer(), expected=status)
    assert len(refused.value.missing) == 2
    assert edition.status is status


@pytest.mark.parametrize(("status", "stage"), [(S.stage1, 1), (S.stage2, 2)])
def test_confirmed_move_locks_the_closing_stage_sheets(make, make_sheet, db, status, stage):
    edition, sheets = _stage_with_sheets(make, make_sheet, status, stage)
    phases.advance_phase(
        edition, actor=make.organizer(), expected=status, target=status.next, confirm_missing=True
    )
    assert edition.status is status.next
    for sheet in sheets.values():
        db.session.refresh(sheet)
    assert sheets["submitted"].status is SheetStatus.locked
    assert sheets["draft"].status is SheetStatus.draft
    assert sheets["other_stage"].status is SheetStatus.submitted
    event = db.session.query(AuditEvent).filter_by(action="edition.phase").one()
    assert event.after["locked_sheets"] == 1
    assert event.after["confirmed_missing"] is True
    assert len(event.after["missing_sheets"]) == 2


def test_complete_stage_moves_without_confirmation_and_locks(make, make_sheet, db):
    edition = make.edition(status=S.stage1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    sheet = make_sheet(make.assignment(application=application, juror=make.juror(edition=edition)))
    make.confirmed_list(edition)
    phases.advance_phase(edition, actor=make.organizer(), expected=S.stage1)
    db.session.refresh(sheet)
    assert edition.status is S.stage2
    assert sheet.status is SheetStatus.locked
    assert sheet.version == 2


def test_other_editions_sheets_are_not_locked(make, make_sheet, db):
    edition = make.edition(status=S.stage1)
    other = make.edition(status=S.stage1)
    application = make.application(edition=other, status=ApplicationStatus.submitted)
    sheet = make_sheet(make.assignment(application=application, juror=make.juror(edition=other)))
    make.application(edition=edition, status=ApplicationStatus.submitted)
    make.confirmed_list(edition)
    phases.advance_phase(edition, actor=make.organizer(), expected=S.stage1)
    db.session.refresh(sheet)
    assert sheet.status is SheetStatus.submitted
