"""The token rows that key Laurel's two caches (the public pages,
app/public/cache.py; the organizer's counts, app/counts_cache.py): one row
with id 1 per cache, whose token is replaced in the transaction of every
write that makes the cached entries stale."""

from __future__ import annotations

import secrets

from sqlalchemy.dialects import postgresql, sqlite


def replace_token(session, model) -> None:
    """Give `model`'s single row a new random token (creating the row if a
    database was just emptied), in the session's transaction."""
    name = session.get_bind().dialect.name
    insert = postgresql.insert if name == "postgresql" else sqlite.insert
    token = secrets.token_hex(16)
    session.connection().execute(
        insert(model)
        .values(id=1, token=token)
        .on_conflict_do_update(index_elements=["id"], set_={"token": token})
    )
