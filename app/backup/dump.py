"""`flask backup`: the database, read in one transaction, and the upload folder
into one .tar.gz with a manifest of checksums."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa

from app.backup.format import (
    BATCH,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    backup_files,
    code_revision,
    database_revision,
    encode,
    is_json,
    table_member,
    upload_dir,
)
from app.extensions import db
from app.timeutil import utcnow

CHUNK = 1024 * 1024


def _app_version() -> str:
    try:
        return metadata.version("laurel")
    except metadata.PackageNotFoundError:
        return "unknown"


@contextlib.contextmanager
def _snapshot():
    """A connection whose reads all see one moment of the database:
    REPEATABLE READ (read only) on PostgreSQL, one read transaction on SQLite
    (its driver would otherwise run each SELECT in a transaction of its own)."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with conn.begin():
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN")
            yield conn


def _dump_table(conn, table: sa.Table, path: Path) -> dict:
    """Write a table's rows as JSON Lines (one array per row, in `columns`
    order), read in batches by primary key. A JSON column also says whether
    it holds SQL NULL, which its value alone cannot tell."""
    columns = list(table.columns)
    json_nulls = [c.is_(None).label(f"{c.name}__sql_null") for c in columns if is_json(c)]
    statement = sa.select(*columns, *json_nulls).order_by(*table.primary_key.columns)
    digest, size, rows = hashlib.sha256(), 0, 0
    with open(path, "wb") as out:
        result = conn.execute(statement.execution_options(yield_per=BATCH))
        for partition in result.partitions():
            lines = []
            for row in partition:
                values = row._mapping
                lines.append(
                    json.dumps(
                        [
                            encode(
                                values[c],
                                json_column=is_json(c),
                                sql_null=is_json(c) and values[f"{c.name}__sql_null"],
                            )
                            for c in columns
                        ],
                        ensure_ascii=False,
                        separators=(",", ":"),
                    )
                )
            chunk = ("\n".join(lines) + "\n").encode()
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
            rows += len(lines)
    return {
        "name": table.name,
        "member": table_member(table.name),
        "columns": [c.name for c in columns],
        "rows": rows,
        "size": size,
        "sha256": digest.hexdigest(),
    }


def _hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class _CheckedReader(io.RawIOBase):
    """Reads a file into the archive and hashes it on the way, so a file that
    changed after the manifest was written is noticed."""

    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n=-1):
        data = self.f.read(n)
        self.digest.update(data)
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), mtime, 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path, entry: dict, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = entry["size"], mtime, 0o600
    with open(path, "rb") as f:
        reader = _CheckedReader(f)
        try:
            tar.addfile(info, reader)
        except OSError as exc:  # tarfile: "unexpected end of data"
            raise BackupError(
                f"{path} changed while it was backed up; run the backup again"
            ) from exc
    if reader.digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"{path} changed while it was backed up; run the backup again")


def write_backup(target: Path) -> dict:
    """Write the archive to `target` (a new .tar.gz, readable only by its
    owner: it holds personal data and password hashes) and return its
    manifest. The database is read in one transaction; the archive appears
    under its name only when complete."""
    target = Path(target).resolve()
    uploads = upload_dir()
    if target == uploads or uploads in target.parents:
        raise BackupError(f"write the backup outside the upload folder ({uploads})")
    if target.exists():
        raise BackupError(f"{target} already exists; choose another name")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".laurel-backup-", dir=target.parent))
    try:
        created = utcnow()
        with _snapshot() as conn:
            revision = database_revision(conn)
            tables = [
                _dump_table(conn, table, work / f"{table.name}.jsonl")
                for table in db.metadata.sorted_tables
            ]
        files = []
        for path, name in backup_files():
            sha, size = _hash_file(path)
            files.append({"member": name, "size": size, "sha256": sha, "_path": path})
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created.isoformat() + "Z",
            "app_version": _app_version(),
            "alembic_revision": revision or code_revision(),
            # "code": the database had no alembic_version table; its schema was
            # built from the models of this revision.
            "revision_source": "database" if revision else "code",
            "database_dialect": db.engine.dialect.name,
            "tables": tables,
            "files": [{k: v for k, v in f.items() if k != "_path"} for f in files],
        }
        part = work / "archive.tar.gz"
        mtime = created.replace(tzinfo=dt.UTC).timestamp()
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            _add_bytes(tar, MANIFEST, body, mtime)
            for table in tables:
                _add_file(tar, table["member"], work / f"{table['name']}.jsonl", table, mtime)
            for entry in files:
                _add_file(tar, entry["member"], entry["_path"], entry, mtime)
        os.replace(part, target)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)
