"""The archive format shared by backup and restore: member names, the
engine-neutral value encoding, the schema revision and which files belong in
a backup."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import os
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from flask import current_app

FORMAT = "laurel-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_PREFIX = "db/"
FILES_PREFIX = "files/"
# Rows read and inserted per batch: a national edition's 540,000 scores never
# sit in memory at once.
BATCH = 2000
# A manifest lists every file; even 100,000 files stay far below this.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
# One JSON line is one row; no real row comes near this.
MAX_LINE_BYTES = 16 * 1024 * 1024
# Restore keeps this much disk free besides what the archive unpacks to.
DISK_MARGIN_BYTES = 64 * 1024 * 1024
# Never part of a backup, wherever the upload folder points: databases, the
# job queue, the secret key, local configuration, uploads still being written.
_NEVER = re.compile(
    r"(\.db|\.db-wal|\.db-shm|\.db-journal|\.sqlite3?|\.part)$|^(secret_key|config\.py)$"
)
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class BackupError(Exception):
    """A backup or restore that cannot go on; `str(error)` says why and what to do."""


# -- values ---------------------------------------------------------------


def encode(value, *, json_column: bool = False, sql_null: bool = True):
    """A database value as JSON. Values JSON has no type for are tagged as a
    one-key object ({"$datetime": "..."}); a JSON column's value is always
    wrapped ({"$json": ...}), so an object is never mistaken for a tag, and a
    JSON `null` stays apart from SQL NULL."""
    if json_column:
        if value is None and sql_null:
            return None
        return {"$json": value}
    if (
        value is None
        or isinstance(value, bool | int | float | str)
        and not isinstance(value, enum.Enum)
    ):
        return value
    if isinstance(value, enum.Enum):
        return {"$enum": value.value}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dt.timedelta):
        return {"$seconds": value.total_seconds()}
    raise BackupError(f"cannot write a value of type {type(value).__name__}")


def decode(value):
    """The inverse of `encode`; a JSON column's `null` comes back as
    `sa.JSON.NULL` (SQL NULL as None)."""
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise BackupError("a list outside a JSON value")
        return value
    if len(value) != 1:
        raise BackupError("an object that is not a tagged value")
    ((tag, raw),) = value.items()
    try:
        if tag == "$json":
            return sa.JSON.NULL if raw is None else raw
        if tag == "$enum":
            return str(raw)
        if tag == "$datetime":
            return dt.datetime.fromisoformat(raw)
        if tag == "$date":
            return dt.date.fromisoformat(raw)
        if tag == "$time":
            return dt.time.fromisoformat(raw)
        if tag == "$decimal":
            return decimal.Decimal(raw)
        if tag == "$bytes":
            return base64.b64decode(raw, validate=True)
        if tag == "$seconds":
            return dt.timedelta(seconds=float(raw))
    except (TypeError, ValueError, decimal.InvalidOperation) as exc:
        raise BackupError(f"a bad {tag} value: {exc}") from exc
    raise BackupError(f"an unknown tag {tag!r}")


def is_json(column: sa.Column) -> bool:
    return isinstance(column.type, sa.JSON)


def insert_target(table: sa.Table):
    """`table` for inserting restored rows: JSON columns bound so that None is
    SQL NULL and `sa.JSON.NULL` a JSON null, as they were read."""
    return sa.table(
        table.name,
        *(
            sa.column(c.name, sa.JSON(none_as_null=True) if is_json(c) else c.type)
            for c in table.columns
        ),
    )


# -- schema revision ------------------------------------------------------


def code_revision() -> str:
    """The migration head(s) of the code that is running."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return ",".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def database_revision(conn) -> str | None:
    """The revision the database is stamped with, None when it has no
    alembic_version table (a schema built from the models, as the tests do)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return ",".join(sorted(rows)) or None


# -- files ----------------------------------------------------------------


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]).resolve()


def never_paths() -> set[Path]:
    instance = Path(current_app.instance_path).resolve()
    paths = {instance / "secret_key", instance / "config.py", instance / "jobs.db"}
    for key in ("JOBS_DATABASE",):
        if current_app.config.get(key):
            paths.add(Path(current_app.config[key]).resolve())
    url = sa.engine.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        paths.add(Path(url.database).resolve())
    return paths


def backup_files() -> Iterator[tuple[Path, str]]:
    """(path, archive name) of every file to back up, sorted: everything under
    the upload folder except hidden top-level entries (a restore's staging and
    set-aside folders), symbolic links and the files in `_NEVER`."""
    root = upload_dir()
    never = never_paths()
    found = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        if here == root:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            names = [n for n in names if not n.startswith(".")]
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
        for name in names:
            path = here / name
            if path.is_symlink() or not path.is_file() or _NEVER.search(name):
                continue
            if path.resolve() in never:
                continue
            found.append((path, FILES_PREFIX + path.relative_to(root).as_posix()))
    yield from sorted(found, key=lambda item: item[1])


def safe_file_name(name: str) -> PurePosixPath:
    """The relative path under the upload folder that an archive member
    `files/...` may write, or BackupError for anything that could land
    elsewhere or clash with a restore's own folders."""
    rest = name[len(FILES_PREFIX) :]
    if (
        not name.startswith(FILES_PREFIX)
        or not rest
        or "\\" in rest
        or "\x00" in rest
        or rest.startswith("/")
        or len(rest) > 1024
    ):
        raise BackupError(f"the archive holds a file with a forbidden name: {name!r}")
    parts = rest.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") or _NEVER.search(p) for p in parts):
        raise BackupError(f"the archive holds a file with a forbidden name: {name!r}")
    return PurePosixPath(*parts)


def table_member(table_name: str) -> str:
    if not _TABLE_NAME.match(table_name):
        raise BackupError(f"the archive names a table {table_name!r}")
    return f"{DB_PREFIX}{table_name}.jsonl"
