"""The audit chain: every stored column is hashed, parents are unique, appends
are serialised on both databases, deleting the newest events is noticed, the
audit page checks only what is new since the checkpoint, and
`flask audit verify` checks everything."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from app.audit import services as audit
from app.audit.models import GENESIS, AuditCheckpoint, AuditEvent, AuditHead
from app.editions.services import create_edition


def _events(db):
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def _update(db, event_id, **values):
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == event_id).values(**values))
    db.session.commit()


@pytest.fixture
def three(db, make, app):
    """Three events with every column filled, committed."""
    actor = make.organizer(email="anna@example.org")
    edition = make.edition()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.5"}):
        for n in range(3):
            audit.record(
                "test.event",
                actor=actor,
                obj=edition,
                edition_id=edition.id,
                before={"n": n - 1},
                after={"n": n, "note": "zażółć"},
            )
    db.session.commit()
    events = _events(db)
    assert audit.verify_chain().intact
    return events


def test_the_first_event_has_the_genesis_parent_and_the_head_follows(db):
    first = audit.record("test.event")
    second = audit.record("test.event")
    db.session.commit()
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    head = db.session.get(AuditHead, 1)
    assert (head.event_id, head.hash) == (second.id, second.hash)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor_email", "mallory@example.org"),
        ("ip_address", "203.0.113.66"),
        ("created_at", dt.datetime(2020, 1, 1)),
        ("action", "test.other"),
        ("object_type", "Office"),
        ("object_id", 999),
        ("before", {"n": 5}),
        ("after", {"n": 99, "note": "zażółć"}),
    ],
)
def test_every_stored_column_is_covered_by_the_hash(db, three, column, value):
    second = three[1]
    _update(db, second.id, **{column: value})
    check = audit.verify_chain()
    assert (check.problem, check.event_id) == ("altered", second.id)


def test_actor_and_edition_ids_are_covered_too(db, three, make):
    other = make.organizer()
    db.session.commit()
    _update(db, three[0].id, actor_id=other.id)
    assert audit.verify_chain().event_id == three[0].id
    _update(db, three[0].id, actor_id=three[0].actor_id, edition_id=None)
    assert audit.verify_chain().event_id == three[0].id


def test_prev_hash_is_unique(db, three):
    fork = AuditEvent(
        id=three[-1].id + 10,
        created_at=dt.datetime(2026, 1, 1),
        action="test.fork",
        prev_hash=three[0].hash,  # the parent of three[1] already
        hash="f" * 64,
    )
    db.session.add(fork)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_deleting_the_newest_events_is_noticed(db, three):
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id >= three[1].id))
    db.session.commit()
    check = audit.verify_chain()
    assert (check.problem, check.event_id) == ("head", three[2].id)
    assert check.head_hash == three[2].hash


def test_an_event_after_a_deletion_shows_the_gap(db, three):
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == three[2].id))
    db.session.commit()
    later = audit.record("test.later")
    db.session.commit()
    assert later.prev_hash == three[2].hash  # the head remembers the deleted event
    check = audit.verify_chain()
    assert (check.problem, check.event_id) == ("link", later.id)


def test_deleting_an_event_in_the_middle_is_noticed(db, three):
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == three[1].id))
    db.session.commit()
    check = audit.verify_chain()
    assert (check.problem, check.event_id) == ("link", three[2].id)


def test_an_event_added_outside_laurel_is_noticed(db, three):
    forged = {c: getattr(three[2], c) for c in audit.HASHED_COLUMNS}
    forged.update(id=three[2].id + 1, action="test.forged", prev_hash=three[2].hash)
    forged["hash"] = audit.digest(forged)
    db.session.execute(sa.insert(AuditEvent).values(**forged))
    db.session.commit()
    check = audit.verify_chain()
    assert check.problem == "head"


def test_a_removed_head_row_is_noticed(db, three):
    db.session.execute(sa.delete(AuditHead))
    db.session.commit()
    assert audit.verify_chain().problem == "head"


def test_an_empty_trail_is_intact(db):
    check = audit.verify_chain()
    assert check.intact and check.checked == 0 and check.head_hash == GENESIS


def test_creating_an_edition_logs_its_id(db, make):
    actor = make.organizer()
    edition = create_edition(
        actor=actor, data={"name": "Edycja X", "slug": "edycja-x", "year": 2027}
    )
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "edition.create")
    ).one()
    assert edition.id is not None and event.edition_id == edition.id


# Appends from two requests at once -----------------------------------------


def _append_in_thread(app, action, *, started=None, go_on=None, hold=0.0, errors):
    def run():
        try:
            with app.app_context():
                from app.extensions import db

                if go_on is not None:
                    go_on.wait(10)
                audit.record(action)
                if started is not None:
                    started.set()
                if hold:
                    threading.Event().wait(hold)
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001  (reported by the test)
            errors.append(exc)

    return threading.Thread(target=run)


def test_two_concurrent_appends_make_one_chain(app, db):
    """Request A appends and holds its transaction open; request B appends
    meanwhile. B must wait for A and take A's event as its parent: the chain
    stays one line (on SQLite too, where B used to read a stale parent)."""
    audit.record("test.first")
    db.session.commit()
    db.session.remove()
    a_appended = threading.Event()
    errors: list[Exception] = []
    first = _append_in_thread(app, "test.a", started=a_appended, hold=0.6, errors=errors)
    second = _append_in_thread(app, "test.b", go_on=a_appended, errors=errors)
    first.start()
    second.start()
    first.join(20)
    second.join(20)
    assert errors == []
    events = _events(db)
    assert [e.action for e in events] == ["test.first", "test.a", "test.b"]
    assert len({e.prev_hash for e in events}) == 3
    assert events[2].prev_hash == events[1].hash
    assert audit.verify_chain().intact


def test_many_concurrent_appends_keep_the_chain_valid(app, db):
    errors: list[Exception] = []
    threads = [_append_in_thread(app, f"test.{n}", errors=errors) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    events = _events(db)
    assert len(events) == 8 and len({e.prev_hash for e in events}) == 8
    assert audit.verify_chain().intact


# The audit page -------------------------------------------------------------


@pytest.fixture
def count_digests(monkeypatch):
    calls = []
    real = audit.digest

    def counting(values):
        calls.append(values["id"])
        return real(values)

    monkeypatch.setattr(audit, "digest", counting)
    return calls


def test_the_audit_page_checks_only_events_after_the_checkpoint(
    client, login_as, db, count_digests
):
    for n in range(30):
        audit.record("test.event", after={"n": n})
    db.session.commit()
    login_as("organizer")  # one more event: the login
    count_digests.clear()
    assert client.get("/organizer/audit/").status_code == 200
    assert len(count_digests) == 31  # the first visit checks everything...
    checkpoint = db.session.get(AuditCheckpoint, 1)
    assert checkpoint.event_id == 31

    audit.record("test.event")
    db.session.commit()
    count_digests.clear()
    page = client.get("/organizer/audit/").get_data(as_text=True)
    assert "Ścieżka audytu jest nienaruszona" in page
    assert sorted(count_digests) == [31, 32]  # ... later visits the checkpoint and what is new
    count_digests.clear()
    client.get("/organizer/audit/")
    assert count_digests == [32]


def test_the_audit_page_shows_the_head_hash(client, login_as, db):
    login_as("organizer")
    page = client.get("/organizer/audit/").get_data(as_text=True)
    head = db.session.get(AuditHead, 1)
    assert head.hash in page


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("delete newest", "najnowsze zdarzenia"),
        ("delete checkpointed", "sprawdzone wcześniej"),
        ("edit checkpointed", "sprawdzone wcześniej"),
        ("edit new", "nie pasuje do łańcucha"),
    ],
)
def test_the_audit_page_reports_tampering(client, login_as, db, tamper, message):
    organizer = login_as("organizer")
    for n in range(3):
        audit.record("test.event", actor=organizer, after={"n": n})
    db.session.commit()
    client.get("/organizer/audit/")  # checkpoint at the newest event
    newest = _events(db)[-1]
    if tamper == "delete newest":
        new = audit.record("test.event")
        db.session.commit()
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == new.id))
        db.session.commit()
    elif tamper == "delete checkpointed":
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == newest.id))
        db.session.commit()
    elif tamper == "edit checkpointed":
        _update(db, newest.id, actor_email="mallory@example.org")
    else:
        new = audit.record("test.event")
        db.session.commit()
        _update(db, new.id, ip_address="203.0.113.66")
    page = client.get("/organizer/audit/").get_data(as_text=True)
    assert message in page
    assert "jest nienaruszona" not in page


# flask audit verify ----------------------------------------------------------


def test_cli_verify_prints_the_head_hash(app, db, three):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit trail intact: 3 events." in result.output
    assert f"Head hash: {three[-1].hash}" in result.output
    db.session.expire_all()
    assert db.session.get(AuditCheckpoint, 1).event_id == three[-1].id
    # Safe to run twice.
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0


def test_cli_verify_checks_events_before_the_checkpoint(app, db, three):
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    _update(db, three[0].id, actor_email="mallory@example.org")
    # The page, starting at the checkpoint, cannot see it; the full check does.
    assert audit.verify_chain(full=False).intact
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {three[0].id} does not match its hash" in result.output


def test_cli_verify_fails_when_the_newest_events_are_gone(app, db, three):
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == three[2].id))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "newest events" in result.output and three[2].hash in result.output
