"""End read-only requests with COMMIT instead of ROLLBACK (PostgreSQL).

psycopg 3 prepares a statement on the server once a connection has run it
five times, so PostgreSQL stops planning it anew; an entry page's main query
(eight tables joined) takes 0.8-2 ms to plan and 0.3 ms to run. But psycopg
forgets every prepared statement on ROLLBACK (the rolled-back transaction may
have dropped what they refer to), and a request that only read ends in a
ROLLBACK when the session is closed: every page planned all its queries again.

A transaction that ran nothing but SELECTs means the same whether it ends in
COMMIT or ROLLBACK, so at the end of a request whose transaction only read,
the session commits. Anything else (an INSERT, UPDATE, DELETE, a savepoint, a
statement the check does not recognise, an executemany) marks the connection
as written, and the session's usual rollback runs as before: a failed request
never commits half its work. Nor does a request that queued mail without
committing (mail goes out on commit).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import mail
from app.extensions import db

_WROTE = "laurel_wrote"
_CONNECTION = "laurel_connection"


def _is_read(statement: str) -> bool:
    return statement.lstrip()[:6].upper() == "SELECT" and " FOR UPDATE" not in statement.upper()


def init_app(app) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    engine = db.engine

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _mark_writes(conn, _cursor, statement, _parameters, _context, executemany):
        if executemany or not _is_read(statement):
            conn.info[_WROTE] = True

    @app.teardown_appcontext
    def _commit_reads(_exc) -> None:
        # Registered after Flask-SQLAlchemy's teardown, so it runs before the
        # session is removed (teardowns run in reverse order).
        session = db.session()
        connection = session.info.pop(_CONNECTION, None)
        if connection is None or connection.closed or connection.info.get(_WROTE, True):
            return
        if not session.in_transaction() or session.new or session.dirty or session.deleted:
            return
        if session.info.get(mail.PENDING):
            # Mail goes out on commit: a request that queued mail and did not
            # commit must drop it, as before.
            return
        try:
            session.commit()
        except sa.exc.SQLAlchemyError:
            session.rollback()


@sa.event.listens_for(Session, "after_begin")
def _remember_connection(session, _transaction, connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    connection.info[_WROTE] = False
    session.info[_CONNECTION] = connection
