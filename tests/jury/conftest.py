from __future__ import annotations

import pytest


@pytest.fixture
def request_ctx(app, db):
    """Services translate their messages, which needs a request (the locale lives in it)."""
    with app.test_request_context("/"):
        yield


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
