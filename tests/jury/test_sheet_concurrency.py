"""Two real database connections saving one sheet: one wins, the other is told.

Each thread has its own app context, so its own session and connection (on
PostgreSQL a real second server connection). Both read the sheet at the same
version; the first save commits; the second save's UPDATE ... WHERE version =
finds no row, and the service turns that into the conflict message."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from app.extensions import db as _db
from app.jury import sheets
from app.jury.models import Assignment, ScoreSheet, SheetStatus
from app.jury.sheets import ScoreInput, SheetInput


def test_second_connection_gets_the_conflict(app, db, make, scoring):
    make.sheet(assignment=scoring.assignment, status=SheetStatus.draft)
    db.session.commit()
    assignment_id, juror_id, c10 = scoring.assignment.id, scoring.juror.id, scoring.c10.id
    both_loaded = threading.Barrier(2, timeout=10)
    first_saved = threading.Event()
    results: dict[str, object] = {}

    def save(name: str, value: str, wait_for_first: bool) -> None:
        with app.test_request_context("/"):
            try:
                assignment = _db.session.get(Assignment, assignment_id)
                version = assignment.sheet.version
                actor = assignment.juror
                assert actor.id == juror_id
                both_loaded.wait()
                if wait_for_first:
                    first_saved.wait(10)
                data = SheetInput(version=version, scores={c10: ScoreInput(value=value)})
                sheets.save_sheet(assignment, actor=actor, data=data)
                _db.session.commit()
                results[name] = "saved"
            except sheets.SheetConflict as exc:
                _db.session.rollback()
                results[name] = exc.message
            except Exception as exc:  # noqa: BLE001 - reported to the main thread
                _db.session.rollback()
                results[name] = exc
            finally:
                if not wait_for_first:
                    first_saved.set()

    threads = [
        threading.Thread(target=save, args=("first", "4", False)),
        threading.Thread(target=save, args=("second", "9", True)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert results["first"] == "saved"
    assert isinstance(results["second"], str) and "Ktoś inny zapisał" in results["second"]
    db.session.expire_all()
    sheet = db.session.scalars(sa.select(ScoreSheet)).one()
    assert [s.value for s in sheet.scores] == [4.0]
