from __future__ import annotations

import pytest


def add_conflict(db, *, edition, juror, office, reason="Były pracownik"):
    """tests.factories' make.conflict passes `edition=`, which ConflictOfInterest
    has no relationship for; this builds one by ids."""
    from app.jury.models import ConflictOfInterest

    conflict = ConflictOfInterest(
        edition_id=edition.id, juror_id=juror.id, office_id=office.id, reason=reason
    )
    db.session.add(conflict)
    db.session.flush()
    return conflict


@pytest.fixture
def scoring(make, db):
    """An edition in stage 1 with two stage-1 criteria (c10: 0..10 by 1, comments
    for extreme scores; c20: 0..20 by 0.5, a comment always) and one stage-2
    criterion; a submitted entry; its juror (declaration confirmed) and assignment."""
    from types import SimpleNamespace

    from app.editions.models import CommentRule, EditionStatus
    from app.offices.models import ApplicationStatus
    from app.timeutil import utcnow

    edition = make.edition(status=EditionStatus.stage1, areas=0)
    area = make.area(edition=edition, name="Standardy obsługi")
    c10 = make.criterion(area=area, stage=1, name="Karta usług", max_score=10, position=1)
    c20 = make.criterion(
        area=area,
        stage=1,
        name="Czas oczekiwania",
        max_score=20,
        step=0.5,
        weight=2,
        comment_rule=CommentRule.always,
        position=2,
    )
    c2 = make.criterion(area=area, stage=2, name="Obsługa na miejscu", max_score=10)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition)
    juror.jury_memberships[0].conflicts_confirmed_at = utcnow()
    assignment = make.assignment(application=application, juror=juror, stage=1)
    db.session.flush()
    return SimpleNamespace(
        edition=edition,
        area=area,
        c10=c10,
        c20=c20,
        c2=c2,
        application=application,
        juror=juror,
        assignment=assignment,
    )
