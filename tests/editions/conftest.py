from __future__ import annotations

import pytest

from app.jury.models import Score, ScoreSheet, SheetStatus
from app.offices.models import ApplicationStatus
from app.timeutil import utcnow


@pytest.fixture
def organizer(login_as):
    """A signed-in organizer."""
    return login_as("organizer")


@pytest.fixture
def make_sheet(db):
    """make_sheet(assignment, status=SheetStatus.submitted, scores=True)."""

    def make(assignment, status=SheetStatus.submitted, scores=False):
        sheet = ScoreSheet(
            assignment=assignment,
            status=status,
            submitted_at=utcnow() if status is not SheetStatus.draft else None,
        )
        db.session.add(sheet)
        db.session.flush()
        if scores:
            edition = assignment.application.edition
            for criterion in edition.criteria_for_stage(assignment.stage):
                db.session.add(Score(sheet=sheet, criterion=criterion, value=1))
            db.session.flush()
        return sheet

    return make


@pytest.fixture
def submitted(make):
    """submitted(edition) -> a submitted application of that edition."""

    def build(edition, **kw):
        return make.application(edition=edition, status=ApplicationStatus.submitted, **kw)

    return build


@pytest.fixture
def request_ctx(app, db):
    """A request context in English, for service tests (messages use gettext)."""
    from flask import session

    with app.test_request_context("/"):
        session["lang"] = "en"
        yield
