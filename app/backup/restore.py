"""`flask restore`: check a whole archive first, then load it in one
transaction and swap the files in; on any failure nothing is changed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import secrets
import shutil
import tarfile
import zlib
from pathlib import Path

import sqlalchemy as sa

from app.backup.format import (
    BATCH,
    DB_PREFIX,
    DISK_MARGIN_BYTES,
    FILES_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MAX_LINE_BYTES,
    MAX_MANIFEST_BYTES,
    BackupError,
    code_revision,
    database_revision,
    decode,
    insert_target,
    never_paths,
    safe_file_name,
    table_member,
    upload_dir,
)
from app.extensions import db
from app.timeutil import utcnow

CHUNK = 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
UPGRADE_HINT = "run `flask --app wsgi db upgrade` first"


@dataclasses.dataclass
class RestoreResult:
    manifest: dict
    rows: int = 0
    files: int = 0
    emptied: bool = False
    # Where the files that were in the upload folder went (None: there were none).
    set_aside: Path | None = None


# -- checking the archive -------------------------------------------------


def _check_manifest(manifest, staging: Path) -> dict[str, dict]:
    """The members the manifest promises, by name: size, checksum and where
    each is unpacked. Refuses another format, another schema revision, tables
    that are not this schema's, bad names and more data than the disk holds."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("this is not a Laurel backup (its manifest is missing or foreign)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"the archive has format version {manifest.get('format_version')!r}; this Laurel "
            f"reads version {FORMAT_VERSION}: restore it with the Laurel version that made it"
        )
    revision, head = manifest.get("alembic_revision"), code_revision()
    if revision != head:
        raise BackupError(
            f"the archive was made at schema revision {revision!r} (Laurel "
            f"{manifest.get('app_version', '?')}), but this Laurel's schema is at {head!r}: "
            "restore it with the Laurel version that made it (then upgrade with "
            "`flask --app wsgi db upgrade`)"
        )
    tables, files = manifest.get("tables"), manifest.get("files")
    if not isinstance(tables, list) or not isinstance(files, list):
        raise BackupError("the manifest has no table or file list")
    expected: dict[str, dict] = {}
    for entry in tables:
        name = entry.get("name") if isinstance(entry, dict) else None
        table = db.metadata.tables.get(name) if isinstance(name, str) else None
        if table is None:
            raise BackupError(f"the archive holds a table this schema does not have: {name!r}")
        if entry.get("columns") != [c.name for c in table.columns]:
            raise BackupError(f"the archive's columns of table {name} differ from this schema's")
        if not isinstance(entry.get("rows"), int) or entry["rows"] < 0:
            raise BackupError(f"the manifest's row count of table {name} is not a number")
        member = table_member(name)
        if member in expected:
            raise BackupError(f"the manifest lists table {name} twice")
        expected[member] = {**entry, "member": member, "dest": staging / "db" / f"{name}.jsonl"}
    missing = set(db.metadata.tables) - {e["name"] for e in tables}
    if missing:
        raise BackupError(f"the archive lacks tables: {', '.join(sorted(missing))}")
    for entry in files:
        member = entry.get("member") if isinstance(entry, dict) else None
        if not isinstance(member, str):
            raise BackupError("the manifest lists a file without a name")
        if member in expected:
            raise BackupError(f"the manifest lists {member!r} twice")
        expected[member] = {**entry, "dest": staging / "files" / safe_file_name(member)}
    for member, entry in expected.items():
        size, sha = entry.get("size"), entry.get("sha256")
        if (
            not isinstance(size, int)
            or size < 0
            or not isinstance(sha, str)
            or not _SHA256.match(sha)
        ):
            raise BackupError(f"the manifest gives no valid size and checksum for {member!r}")
    needed = sum(e["size"] for e in expected.values()) + DISK_MARGIN_BYTES
    free = shutil.disk_usage(staging).free
    if needed > free:
        raise BackupError(
            f"the archive unpacks to {needed // 2**20} MiB, but only {free // 2**20} MiB "
            f"are free in {staging.parent}"
        )
    return expected


def _unpack_member(tar: tarfile.TarFile, member: tarfile.TarInfo, entry: dict) -> None:
    if member.size != entry["size"]:
        raise BackupError(
            f"{member.name} is {member.size} bytes in the archive, the manifest says {entry['size']}"
        )
    dest: Path = entry["dest"]
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    with open(dest, "xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"the checksum of {member.name} does not match the manifest")


def unpack(archive: Path, staging: Path) -> dict:
    """Unpack `archive` into `staging` (a new, empty folder), checking the
    manifest (the first member) and then every member against it: only
    regular files it lists, each exactly once, of the size and SHA-256 it
    says. Returns the manifest; raises BackupError on anything else."""
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isreg():
                raise BackupError("this is not a Laurel backup (no manifest.json at its start)")
            if first.size > MAX_MANIFEST_BYTES:
                raise BackupError("the archive's manifest is absurdly large")
            try:
                manifest = json.loads(tar.extractfile(first).read())
            except ValueError as exc:
                raise BackupError(f"the archive's manifest is not valid JSON: {exc}") from exc
            expected = _check_manifest(manifest, staging)
            seen: set[str] = set()
            while (member := tar.next()) is not None:
                if member.isdir():
                    if member.name.rstrip("/") + "/" not in (DB_PREFIX, FILES_PREFIX):
                        safe_file_name(member.name.rstrip("/"))
                    continue
                if not member.isreg() or member.issparse():
                    raise BackupError(
                        f"the archive holds a link or special file ({member.name!r}); refused"
                    )
                entry = expected.get(member.name)
                if entry is None:
                    if member.name.startswith(FILES_PREFIX):
                        safe_file_name(member.name)
                    raise BackupError(
                        f"the archive holds {member.name!r}, which its manifest lacks"
                    )
                if member.name in seen:
                    raise BackupError(f"the archive holds {member.name!r} twice")
                seen.add(member.name)
                _unpack_member(tar, member, entry)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"the archive is damaged or not a .tar.gz: {exc}") from exc
    except OSError as exc:
        raise BackupError(f"the archive could not be read or unpacked: {exc}") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"the archive lacks members its manifest lists: {', '.join(missing[:5])}")
    manifest["_expected"] = expected
    return manifest


# -- the database ---------------------------------------------------------


def _check_schema(conn) -> None:
    revision, head = database_revision(conn), code_revision()
    if revision is not None and revision != head:
        raise BackupError(
            f"the database is at schema revision {revision}, this Laurel at {head}: {UPGRADE_HINT}"
        )
    missing = set(db.metadata.tables) - set(sa.inspect(conn).get_table_names())
    if missing:
        raise BackupError(
            f"the database has no Laurel schema (no table {min(missing)}): {UPGRADE_HINT}"
        )


def _bookkeeping(table: sa.Table) -> bool:
    """A one-row table (the audit chain's head and checkpoint, the page-cache
    token) that migrations or `flask audit verify` fill in an otherwise empty
    database; the archive brings its own row."""
    return any(
        isinstance(c, sa.CheckConstraint) and str(c.name).endswith("single_row")
        for c in table.constraints
    )


def _nonempty_tables(conn) -> list[str]:
    return [
        table.name
        for table in db.metadata.sorted_tables
        if not _bookkeeping(table)
        and conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
    ]


def _empty(conn) -> None:
    if conn.dialect.name == "postgresql":
        names = ", ".join(
            conn.dialect.identifier_preparer.format_table(t) for t in db.metadata.sorted_tables
        )
        conn.exec_driver_sql(f"TRUNCATE TABLE {names}")
    else:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def _rows(path: Path, width: int):
    with open(path, "rb") as f:
        while line := f.readline(MAX_LINE_BYTES + 1):
            if len(line) > MAX_LINE_BYTES:
                raise BackupError(f"{path.name} has an absurdly long row")
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise BackupError(f"{path.name} holds a line that is not JSON: {exc}") from exc
            if not isinstance(row, list) or len(row) != width:
                raise BackupError(f"{path.name} holds a row of the wrong shape")
            yield [decode(value) for value in row]


def _load_table(conn, table: sa.Table, entry: dict) -> int:
    """Insert a table's rows in batches. A column that refers to its own table
    (an edition copied from another) is filled in afterwards, so the order of
    the rows does not matter."""
    columns = entry["columns"]
    pk = list(table.primary_key.columns)
    later = [
        c.name
        for c in table.columns
        if c.nullable and len(pk) == 1 and any(fk.column.table is table for fk in c.foreign_keys)
    ]
    target, count, batch, deferred = insert_target(table), 0, [], []
    for row in _rows(entry["dest"], len(columns)):
        values = dict(zip(columns, row, strict=True))
        if later and any(values[c] is not None for c in later):
            deferred.append({"_pk": values[pk[0].name], **{f"_{c}": values[c] for c in later}})
            values.update(dict.fromkeys(later))
        batch.append(values)
        if len(batch) >= BATCH:
            conn.execute(target.insert(), batch)
            count, batch = count + len(batch), []
    if batch:
        conn.execute(target.insert(), batch)
        count += len(batch)
    if deferred:
        update = (
            sa.update(table)
            .where(pk[0] == sa.bindparam("_pk"))
            .values({c: sa.bindparam(f"_{c}") for c in later})
        )
        conn.execute(update, deferred)
    if count != entry["rows"]:
        raise BackupError(
            f"table {table.name}: {count} rows read, the manifest says {entry['rows']}"
        )
    return count


def _reset_sequences(conn) -> None:
    """PostgreSQL hands out ids from sequences that the inserted rows did not
    move: set each to follow the largest id restored."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        sequence = sa.func.pg_get_serial_sequence(quote.format_table(table), pk[0].name)
        conn.execute(
            sa.select(sa.func.setval(sequence, sa.func.coalesce(sa.func.max(pk[0]), 0) + 1, False))
        )


def _begin_writing(conn) -> None:
    if conn.dialect.name == "sqlite":
        # Take the write lock now, so the emptiness check and the load are one
        # transaction that no other writer can slip into.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        # A running app holding locks makes the restore fail, not hang.
        conn.exec_driver_sql("SET LOCAL lock_timeout = '15s'")


def check_target(*, force: bool) -> None:
    """Refuse early (before unpacking) a database without the schema, at
    another revision or, without `force`, with data in it."""
    with db.engine.connect() as conn:
        _check_schema(conn)
        if not force:
            _refuse_data(_nonempty_tables(conn))


def _refuse_data(tables: list[str]) -> None:
    if tables:
        raise BackupError(
            f"the database is not empty (table {tables[0]} has rows); restore only into an "
            "empty database, or add --force to replace everything in it"
        )


# -- the files ------------------------------------------------------------


class _FileSwap:
    """Moves the upload folder's entries aside and the unpacked ones in, by
    renames within one file system; `undo` puts everything back."""

    def __init__(self, uploads: Path, incoming: Path, stamp: str):
        self.uploads, self.incoming, self.stamp = uploads, incoming, stamp
        self.aside: Path | None = None
        self.done: list[tuple[str, str]] = []

    def apply(self) -> None:
        protected = {p for p in never_paths() if self.uploads in p.parents}
        arriving = {p.name for p in self.incoming.iterdir()} if self.incoming.exists() else set()
        for path in sorted(self.uploads.iterdir()):
            if path.name.startswith("."):
                continue
            if any(p == path or path in p.parents for p in protected):
                if path.name in arriving:
                    raise BackupError(f"{path} holds the database or the secret key; not replaced")
                continue
            if self.aside is None:
                self.aside = self.uploads / f".before-restore-{self.stamp}"
                self.aside.mkdir()
            os.replace(path, self.aside / path.name)
            self.done.append(("aside", path.name))
        for name in sorted(arriving):
            os.replace(self.incoming / name, self.uploads / name)
            self.done.append(("in", name))

    def undo(self) -> None:
        for kind, name in reversed(self.done):
            if kind == "in":
                os.replace(self.uploads / name, self.incoming / name)
            else:
                os.replace(self.aside / name, self.uploads / name)
        if self.aside is not None:
            shutil.rmtree(self.aside, ignore_errors=True)
            self.aside = None

    def finish(self) -> Path | None:
        """The set-aside folder, or None when it held no file (it is removed)."""
        if self.aside is not None and not any(p.is_file() for p in self.aside.rglob("*")):
            shutil.rmtree(self.aside)
            self.aside = None
        return self.aside


def _write(manifest: dict, staging: Path, *, force: bool, stamp: str) -> RestoreResult:
    expected = manifest["_expected"]
    result = RestoreResult(manifest={k: v for k, v in manifest.items() if k != "_expected"})
    swap = _FileSwap(upload_dir(), staging / "files", stamp)
    with db.engine.connect() as conn:
        transaction = conn.begin()
        try:
            _begin_writing(conn)
            _check_schema(conn)
            nonempty = _nonempty_tables(conn)
            if not force:
                _refuse_data(nonempty)
            result.emptied = bool(nonempty)
            _empty(conn)
            for table in db.metadata.sorted_tables:
                result.rows += _load_table(conn, table, expected[table_member(table.name)])
            _reset_sequences(conn)
            cache = db.metadata.tables.get("public_cache_state")
            if cache is not None:
                # Pages cached before the restore must not be served after it.
                conn.execute(sa.update(cache).values(token=secrets.token_hex(16)))
            try:
                swap.apply()
                transaction.commit()
            except BaseException:
                swap.undo()
                raise
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
    result.files = sum(1 for m in expected if m.startswith(FILES_PREFIX))
    result.set_aside = swap.finish()
    return result


def restore_backup(
    archive: Path, *, force: bool = False, check_only: bool = False
) -> RestoreResult:
    """Restore `archive` into this app's database and upload folder. The
    database must have this Laurel's schema and be empty (`force`: its rows
    are deleted); the archive must come from the same schema revision. Every
    member is checked against the manifest before anything is written; the
    rows go in in one transaction, and the files that were in the upload folder
    are moved aside, never deleted. `check_only`: check the archive, write
    nothing."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"no archive at {archive}")
    if not check_only:
        check_target(force=force)
    uploads = upload_dir()
    stamp = f"{utcnow():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    staging = uploads / f".restore-{stamp}"
    staging.mkdir(mode=0o700)
    try:
        manifest = unpack(archive, staging)
        if check_only:
            manifest.pop("_expected")
            return RestoreResult(manifest=manifest)
        try:
            return _write(manifest, staging, force=force, stamp=stamp)
        except sa.exc.SQLAlchemyError as exc:
            raise BackupError(
                f"the database refused the restore, nothing was changed: {getattr(exc, 'orig', None) or exc}"
            ) from exc
        except OSError as exc:
            raise BackupError(
                f"the files could not be put in place, nothing was changed: {exc}"
            ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
