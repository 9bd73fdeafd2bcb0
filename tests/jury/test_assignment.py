from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.jury import roster, services
from app.jury.models import Assignment, MembershipStatus, SheetStatus
from app.offices.models import ApplicationStatus
from tests.jury.conftest import add_conflict

pytestmark = pytest.mark.usefixtures("request_ctx")


def _assignments(db, stage=1):
    return list(db.session.scalars(sa.select(Assignment).where(Assignment.stage == stage)))


@pytest.fixture
def setup(make, db):
    edition = make.edition(status=EditionStatus.stage1)
    organizer = make.organizer()
    jurors = [make.juror(edition=edition) for _ in range(5)]
    applications = [
        make.application(edition=edition, status=ApplicationStatus.submitted) for _ in range(7)
    ]
    return edition, organizer, jurors, applications


def test_every_application_gets_n_jurors_balanced_within_one(db, setup):
    edition, organizer, jurors, applications = setup
    report = services.auto_assign(edition, stage=1, per_application=3, actor=organizer)
    assert report.added == 21 and report.short == []
    rows = _assignments(db)
    per_app = Counter(a.application_id for a in rows)
    assert all(per_app[a.id] == 3 for a in applications)
    load = Counter(a.juror_id for a in rows)
    assert max(load.values()) - min(load.values()) <= 1
    assert len({(a.application_id, a.juror_id) for a in rows}) == 21


def test_conflicts_are_never_assigned_and_shortfall_is_reported(db, make, setup):
    edition, organizer, jurors, applications = setup
    target = applications[0]
    for juror in jurors[:3]:
        add_conflict(db, edition=edition, juror=juror, office=target.office)
    add_conflict(db, edition=edition, juror=jurors[4], office=applications[1].office)
    report = services.auto_assign(edition, stage=1, per_application=3, actor=organizer)
    rows = _assignments(db)
    conflicted = {(jurors[i].id, target.office_id) for i in range(3)}
    conflicted.add((jurors[4].id, applications[1].office_id))
    office_of = {a.id: a.office_id for a in applications}
    assert not any((a.juror_id, office_of[a.application_id]) in conflicted for a in rows)
    assert [(a.id, n) for a, n in report.short] == [(target.id, 2)]


def test_rerun_adds_nothing_and_keeps_existing(db, make, setup):
    edition, organizer, jurors, applications = setup
    manual = make.assignment(application=applications[0], juror=jurors[4])
    services.auto_assign(edition, stage=1, per_application=2, actor=organizer)
    first = {(a.application_id, a.juror_id) for a in _assignments(db)}
    assert (applications[0].id, jurors[4].id) in first
    report = services.auto_assign(edition, stage=1, per_application=2, actor=organizer)
    assert report.added == 0
    assert {(a.application_id, a.juror_id) for a in _assignments(db)} == first
    assert db.session.get(Assignment, manual.id) is not None
    # raising N adds only the missing seats
    report = services.auto_assign(edition, stage=1, per_application=3, actor=organizer)
    assert report.added == 7
    assert first <= {(a.application_id, a.juror_id) for a in _assignments(db)}


def test_only_accepted_jurors_and_eligible_applications(db, make, setup):
    edition, organizer, jurors, applications = setup
    invited = make.juror(edition=edition, status=MembershipStatus.invited)
    declined = make.juror(edition=edition, status=MembershipStatus.declined)
    draft = make.application(edition=edition)
    services.auto_assign(edition, stage=1, per_application=5, actor=organizer)
    rows = _assignments(db)
    assert {a.juror_id for a in rows} == {j.id for j in jurors}
    assert invited.id not in {a.juror_id for a in rows} and declined.id not in {
        a.juror_id for a in rows
    }
    assert draft.id not in {a.application_id for a in rows}


def test_stage_two_uses_qualified_applications_only(db, make, setup):
    edition, organizer, jurors, applications = setup
    qualified = make.application(edition=edition, status=ApplicationStatus.qualified)
    make.application(edition=edition, status=ApplicationStatus.not_qualified)
    report = services.auto_assign(edition, stage=2, per_application=2, actor=organizer)
    assert report.added == 2
    assert {a.application_id for a in _assignments(db, stage=2)} == {qualified.id}
    assert _assignments(db, stage=1) == []


def test_manual_assignment_rules(db, make, setup):
    edition, organizer, jurors, applications = setup
    application = applications[0]
    services.assign_juror(application, jurors[0], stage=1, actor=organizer)
    with pytest.raises(LaurelError):
        services.assign_juror(application, jurors[0], stage=1, actor=organizer)  # duplicate
    add_conflict(db, edition=edition, juror=jurors[1], office=application.office)
    with pytest.raises(LaurelError):
        services.assign_juror(application, jurors[1], stage=1, actor=organizer)
    invited = make.juror(edition=edition, status=MembershipStatus.invited)
    with pytest.raises(LaurelError):
        services.assign_juror(application, invited, stage=1, actor=organizer)
    outsider = make.juror()
    with pytest.raises(LaurelError):
        services.assign_juror(application, outsider, stage=1, actor=organizer)
    with pytest.raises(LaurelError):  # not qualified for stage 2
        services.assign_juror(application, jurors[2], stage=2, actor=organizer)


def test_remove_refused_when_sheet_submitted(db, make, setup):
    edition, organizer, jurors, applications = setup
    assignment = make.assignment(application=applications[0], juror=jurors[0])
    make.sheet(assignment=assignment, status=SheetStatus.submitted)
    db.session.flush()
    with pytest.raises(LaurelError):
        services.remove_assignment(assignment, actor=organizer)
    draft = make.assignment(application=applications[1], juror=jurors[0])
    make.sheet(assignment=draft, status=SheetStatus.draft)
    db.session.flush()
    services.remove_assignment(draft, actor=organizer)
    assert db.session.get(Assignment, draft.id) is None


def test_progress_and_coverage(db, make, setup):
    edition, organizer, jurors, applications = setup
    a1 = make.assignment(application=applications[0], juror=jurors[0])
    a2 = make.assignment(application=applications[1], juror=jurors[0])
    make.assignment(application=applications[2], juror=jurors[0])
    make.sheet(assignment=a1, status=SheetStatus.submitted)
    make.sheet(assignment=a2, status=SheetStatus.draft)
    db.session.flush()
    progress = {p.juror.id: p for p in roster.juror_progress(edition, 1)}
    p = progress[jurors[0].id]
    assert (p.assigned, p.submitted, p.draft, p.not_started) == (3, 1, 1, 1)
    assert progress[jurors[1].id].assigned == 0
    from app.jury.board import assignments_board

    counts = assignments_board(edition, 1, target=1, jurors=jurors)
    assert (counts.eligible, counts.short) == (7, 4)
    rows = {row.application_id: row for row in counts.rows}
    assert [a.juror_id for a in rows[applications[0].id].assigned] == [jurors[0].id]
    assert rows[applications[5].id].assigned == []
    assert assignments_board(edition, 1, target=2, jurors=jurors).short == 7
