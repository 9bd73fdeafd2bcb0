"""app/counts_cache.py: edition-wide counts kept until what they count is
written, and only then recomputed."""

from __future__ import annotations

import sqlalchemy as sa

from app import counts_cache
from app.counts_models import CountsCacheState
from app.jury.models import Assignment, ScoreSheet, SheetStatus
from app.offices.models import ApplicationStatus


def _token(db):
    return db.session.scalar(sa.select(CountsCacheState.token))


def _calls(make_value):
    calls = []

    def compute():
        calls.append(1)
        return make_value()

    return calls, compute


def test_without_the_token_row_nothing_is_cached(db):
    db.session.execute(sa.delete(CountsCacheState))
    assert _token(db) is None
    calls, compute = _calls(lambda: 7)
    assert counts_cache.cached("test", (1,), compute) == 7
    assert counts_cache.cached("test", (1,), compute) == 7
    assert len(calls) == 2


def test_a_counted_write_makes_the_counts_stale(db, make):
    edition = make.edition()
    make.application(edition=edition)
    db.session.commit()
    calls, compute = _calls(lambda: len(calls))
    assert counts_cache.cached("test", (edition.id,), compute) == 1
    assert counts_cache.cached("test", (edition.id,), compute) == 1  # cached
    make.application(edition=edition)
    db.session.flush()
    assert counts_cache.cached("test", (edition.id,), compute) == 2  # recomputed


def test_what_changes_the_token_and_what_does_not(db, make):
    edition = make.edition()
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition)
    assignment = make.assignment(application=application, juror=juror)
    sheet = make.sheet(assignment=assignment, status=SheetStatus.draft)
    db.session.commit()

    def changes(edit) -> bool:
        before = _token(db)
        edit()
        db.session.flush()
        return _token(db) != before

    # Saving a draft, an office's answers, a login: nothing counted moves.
    assert not changes(lambda: setattr(sheet, "general_comment", "Nowy komentarz"))
    assert not changes(lambda: setattr(application, "reopen_reason", "x"))
    assert not changes(lambda: setattr(juror, "last_login_at", sheet.updated_at))

    # A sheet's status, an application's status, a renamed juror or office,
    # an assignment's due date: the counts and the names shown with them.
    def submit():
        sheet.status, sheet.submitted_at = SheetStatus.submitted, sheet.updated_at

    assert changes(submit)
    assert changes(lambda: setattr(application, "status", ApplicationStatus.qualified))
    assert changes(lambda: setattr(juror, "full_name", "Anna Nowak-Kowalska"))
    assert changes(lambda: setattr(application.office, "name", "Urząd Miasta Nowa Nazwa"))
    assert changes(lambda: setattr(assignment, "due_date", edition.stage1_end))
    assert changes(lambda: db.session.delete(sheet))


def test_bulk_statements_change_the_token(db, make):
    edition = make.edition()
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition)
    db.session.commit()
    before = _token(db)
    db.session.execute(
        sa.insert(Assignment),
        [{"application_id": application.id, "juror_id": juror.id, "stage": 1}],
    )
    assert _token(db) != before
    before = _token(db)
    db.session.execute(sa.update(ScoreSheet).values(status=SheetStatus.locked))
    assert _token(db) != before


def test_the_assignments_page_follows_an_assignment(client, make, login_as, db):
    """End to end: counts and rows served from the cache change with the data."""
    from app.editions.models import EditionStatus

    edition = make.edition(status=EditionStatus.stage1, jurors_per_application=1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition, full_name="Juror Przydzielany")
    login_as("organizer")
    url = f"/organizer/editions/{edition.id}/assignments?n=1"
    before = client.get(url).get_data(as_text=True)
    assert "Z mniej niż 1 jurorami: <strong>1</strong>" in before
    assert "Nie przydzielono jeszcze żadnego jurora." in before
    client.post(
        f"/organizer/editions/{edition.id}/assignments/add",
        data={"stage": "1", "application_id": application.id, "juror_id": juror.id},
    )
    after = client.get(url).get_data(as_text=True)
    assert "Z mniej niż 1 jurorami: <strong>0</strong>" in after
    assert "<li>Juror Przydzielany" in after
