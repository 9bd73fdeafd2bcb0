"""`flask backup` and `flask restore`: a round trip gives back the same rows and
files (on the database of the test run, and across engines), and a restore
that cannot be done in full writes nothing."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import os
import shutil
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
import sqlalchemy.orm

from app import create_app
from app.audit import services as audit
from app.audit.models import AuditEvent
from app.backup.format import code_revision
from app.extensions import db as _db
from app.offices.models import Office, OfficeType, Voivodeship
from tests.conftest import TEST_DB_URL

# The page-cache token is replaced on restore on purpose (see test_round_trip).
CACHE_TABLE = "public_cache_state"


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    folder.mkdir()
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        # The command reads and writes through its own connections: hand it a
        # committed database and forget what the session held.
        _db.session.commit()
        result = runner.invoke(args=list(args))
        _db.session.expire_all()
        return result

    return invoke


def _build(make, db):
    """A little of everything: decimals, enums, dates, JSON (an object, a list,
    SQL NULL and JSON null), a self-reference, Polish text, an uploaded file and
    audit events."""
    organizer = make.organizer(full_name="Zażółć Gęślą")
    first = make.edition(year=2025)
    edition = make.edition(
        copied_from_id=first.id,
        stage1_weight=decimal.Decimal("39.50"),
        stage2_weight=decimal.Decimal("60.50"),
    )
    make.category(edition=edition, name="Miasta", allowed_office_types=[OfficeType.city.value])
    application = make.application(edition=edition, office=make.office(name="Urząd „Ósmy”"))
    make.document(application=application, content=b"%PDF-1.4\n\xff\x00binary\n%%EOF\n")
    make.document(application=application, name="plan.pdf")
    juror = make.juror(edition=edition)
    criterion = edition.criteria_for_stage(1)[0]
    make.sheet(application=application, juror=juror, values={criterion: decimal.Decimal("7")})
    audit.record("edition.created", actor=organizer, obj=edition, edition_id=edition.id)
    audit.record(
        "edition.updated",
        actor=organizer,
        obj=edition,
        edition_id=edition.id,
        before={"name": "stara", "when": dt.date(2025, 1, 2)},
        after={"name": "nowa", "list": [1, 2.5, None]},
    )
    db.session.flush()
    # SQL NULL in a JSON column, beside the JSON nulls the ORM writes for None
    # (the event's hash reads both as None, so the chain stays intact).
    db.session.execute(
        sa.update(AuditEvent.__table__).where(AuditEvent.id == 1).values(before=sa.null())
    )
    db.session.commit()
    return edition


def _rows(engine=None) -> dict[str, list[tuple]]:
    with (engine or _db.engine).connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in _db.metadata.sorted_tables
        }


def _json_nulls(engine=None) -> dict[str, list[tuple]]:
    """Which JSON values are SQL NULL rather than a JSON null (the rows alone
    cannot tell)."""
    found = {}
    with (engine or _db.engine).connect() as conn:
        for table in _db.metadata.sorted_tables:
            columns = [c.is_(None) for c in table.columns if isinstance(c.type, sa.JSON)]
            if columns:
                statement = sa.select(*table.primary_key.columns, *columns)
                found[table.name] = conn.execute(
                    statement.order_by(*table.primary_key.columns)
                ).all()
    return found


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _wipe(db, folder: Path) -> None:
    """Empty tables (PostgreSQL's sequences back at 1, as in a new database)
    and an empty upload folder."""
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(sa.text(f"TRUNCATE TABLE {names} RESTART IDENTITY"))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    for path in folder.iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()


def _without_cache_token(rows):
    return {name: value for name, value in rows.items() if name != CACHE_TABLE}


def test_round_trip_gives_the_same_rows_and_files(db, make, cli, uploads, tmp_path):
    _build(make, db)
    assert cli("audit", "verify").exit_code == 0
    rows, files, nulls = _rows(), _files(uploads), _json_nulls()
    assert len(files) == 2 and rows["score"] and rows["audit_event"]
    assert [n[1:] for n in nulls["audit_event"]] == [(True, False), (False, False)]
    archive = tmp_path / "backup.tar.gz"

    result = cli("backup", "-o", str(archive))
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output
    assert archive.stat().st_mode & 0o777 == 0o600  # personal data, password hashes

    _wipe(db, uploads)
    assert not _files(uploads) and not any(_rows().values())
    result = cli("restore", str(archive))
    assert result.exit_code == 0, result.output

    assert _without_cache_token(_rows()) == _without_cache_token(rows)
    assert _rows()[CACHE_TABLE] != rows[CACHE_TABLE]  # cached pages are dropped
    assert _json_nulls() == nulls
    assert _files(uploads) == files
    assert not [p for p in uploads.iterdir() if p.name.startswith(".")]  # no staging left
    verify = cli("audit", "verify")
    assert verify.exit_code == 0 and "intact: 2 events" in verify.output
    # New rows get new ids (PostgreSQL's sequences follow the restored ids).
    office = make.office()
    db.session.commit()
    assert office.id > max(r[0] for r in rows["office"])


def test_restore_refuses_a_database_with_data_unless_forced(db, make, cli, uploads, tmp_path):
    _build(make, db)
    archive = tmp_path / "backup.tar.gz"
    assert cli("backup", "-o", str(archive)).exit_code == 0
    rows, files = _rows(), _files(uploads)
    make.office(name="Dopisany po kopii")
    (uploads / "documents" / "late.pdf").write_bytes(b"%PDF late")
    db.session.commit()
    before = _rows()

    result = cli("restore", str(archive))
    assert result.exit_code == 1
    assert "not empty" in result.output and "--force" in result.output
    assert _rows() == before

    result = cli("restore", "--force", str(archive))
    assert result.exit_code == 0, result.output
    assert _without_cache_token(_rows()) == _without_cache_token(rows)
    assert "Dopisany po kopii" not in {o.name for o in db.session.scalars(sa.select(Office))}
    # The files that were there are moved aside, never deleted.
    assert {k: v for k, v in _files(uploads).items() if not k.startswith(".")} == files
    aside = [p for p in uploads.iterdir() if p.name.startswith(".before-restore-")]
    assert len(aside) == 1 and (aside[0] / "documents" / "late.pdf").read_bytes() == b"%PDF late"
    assert str(aside[0]) in result.output
    assert cli("audit", "verify").exit_code == 0


def test_restore_check_only_writes_nothing(db, make, cli, uploads, tmp_path):
    _build(make, db)
    archive = tmp_path / "backup.tar.gz"
    assert cli("backup", "-o", str(archive)).exit_code == 0
    _wipe(db, uploads)
    result = cli("restore", "--check", str(archive))
    assert result.exit_code == 0 and "Archive intact" in result.output
    assert not any(_rows().values()) and not list(uploads.iterdir())


def test_backup_leaves_out_databases_secrets_and_partial_uploads(db, cli, uploads, tmp_path):
    for name in (
        "laurel.db",
        "laurel.db-wal",
        "jobs.db",
        "secret_key",
        "config.py",
        "documents/kept.pdf",
        "documents/abc.part",
        "news/sub/kept.jpg",
        ".restore-1234/documents/x.pdf",
    ):
        (uploads / name).parent.mkdir(parents=True, exist_ok=True)
        (uploads / name).write_bytes(b"x")
    (uploads / "documents" / "link.pdf").symlink_to(uploads / "secret_key")
    archive = tmp_path / "backup.tar.gz"
    assert cli("backup", "-o", str(archive)).exit_code == 0
    with tarfile.open(archive) as tar:
        names = [m.name for m in tar.getmembers()]
    assert [n for n in names if not n.startswith("db/")] == [
        "manifest.json",
        "files/documents/kept.pdf",
        "files/news/sub/kept.jpg",
    ]
    # Never into the upload folder itself (the next backup would hold this one).
    result = cli("backup", "-o", str(uploads / "b.tar.gz"))
    assert result.exit_code == 1 and "outside the upload folder" in result.output


def test_backup_reads_the_database_at_one_moment(db, make, cli, uploads, tmp_path, monkeypatch):
    """An office committed while the backup runs (after its first table) is
    not in it: every table is read in the same transaction."""
    from app.backup import dump

    make.office()
    db.session.commit()
    dumped = []
    real = dump._dump_table

    def dump_then_write(conn, table, path):
        entry = real(conn, table, path)
        if not dumped:
            with sa.orm.Session(_db.engine) as other:
                other.add(
                    Office(
                        name="W trakcie kopii",
                        office_type=OfficeType.municipal,
                        voivodeship=Voivodeship.mazowieckie,
                        city="Radom",
                        contact_email="w@example.org",
                    )
                )
                other.commit()
        dumped.append(entry)
        return entry

    monkeypatch.setattr(dump, "_dump_table", dump_then_write)
    archive = tmp_path / "backup.tar.gz"
    assert cli("backup", "-o", str(archive)).exit_code == 0
    assert len(_rows()["office"]) == 2
    office = next(t for t in dumped if t["name"] == "office")
    assert office["rows"] == 1
    with tarfile.open(archive) as tar:
        lines = tar.extractfile("db/office.jsonl").read().decode().splitlines()
    assert len(lines) == 1 and "W trakcie kopii" not in lines[0]


# -- archives that must be refused, with nothing written ---------------------


def _members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive) as tar:
        return [(m, tar.extractfile(m).read()) for m in tar.getmembers()]


def _rewrite(archive, target, *, manifest=None, change=None, extra=(), fix=False):
    """A copy of `archive` with the manifest edited, some members' bytes changed
    (`fix`: and the manifest's checksums made to match) and members added."""
    members = _members(archive)
    data = json.loads(members[0][1])
    changed = {}
    for info, body in members[1:]:
        if change and info.name in change:
            changed[info.name] = change[info.name](body)
    if fix:
        for entry in data["tables"] + data["files"]:
            if entry["member"] in changed:
                body = changed[entry["member"]]
                entry["size"], entry["sha256"] = len(body), hashlib.sha256(body).hexdigest()
    if manifest:
        manifest(data)
    with tarfile.open(target, "w:gz") as tar:
        body = json.dumps(data).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
        for info, body in members[1:]:
            body = changed.get(info.name, body)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
        for info, body in extra:
            tar.addfile(info, io.BytesIO(body) if body is not None else None)
    return target


@pytest.fixture
def emptied_backup(db, make, cli, uploads, tmp_path):
    """An archive of some data, and the database and upload folder emptied."""
    _build(make, db)
    archive = tmp_path / "backup.tar.gz"
    assert cli("backup", "-o", str(archive)).exit_code == 0
    _wipe(db, uploads)
    return archive


def _assert_nothing_written(uploads: Path):
    assert not any(_rows().values())
    assert not list(uploads.iterdir())


def _first_file(archive) -> str:
    return next(m.name for m, _ in _members(archive) if m.name.startswith("files/"))


def test_a_wrong_checksum_refuses_the_restore_before_writing(
    cli, uploads, emptied_backup, tmp_path
):
    name = _first_file(emptied_backup)
    flip = {name: lambda body: bytes([body[0] ^ 1]) + body[1:]}  # same size, other bytes
    bad = _rewrite(emptied_backup, tmp_path / "bad.tar.gz", change=flip)
    result = cli("restore", str(bad))
    assert result.exit_code == 1
    assert f"checksum of {name} does not match" in result.output
    assert "Nothing was changed" in result.output
    _assert_nothing_written(uploads)


def test_a_row_count_other_than_the_manifests_is_refused(cli, uploads, emptied_backup, tmp_path):
    # Checksums made to match a score file without its row.
    no_rows = {"db/score.jsonl": lambda body: b""}
    bad = _rewrite(emptied_backup, tmp_path / "bad.tar.gz", change=no_rows, fix=True)
    result = cli("restore", str(bad))
    assert result.exit_code == 1
    assert "table score: 0 rows read, the manifest says 1" in result.output
    _assert_nothing_written(uploads)


def test_a_row_the_database_refuses_rolls_everything_back(cli, uploads, emptied_backup, tmp_path):
    # Checksums that match, but a score above its criterion's maximum: the
    # database refuses it after every table before it was inserted.
    def too_high(body):
        row = json.loads(body.split(b"\n")[0])
        columns = next(
            t for t in json.loads(_members(emptied_backup)[0][1])["tables"] if t["name"] == "score"
        )["columns"]
        row[columns.index("value")] = {"$decimal": "99999"}
        return (json.dumps(row) + "\n").encode()

    bad = _rewrite(
        emptied_backup, tmp_path / "bad.tar.gz", change={"db/score.jsonl": too_high}, fix=True
    )
    result = cli("restore", str(bad))
    assert result.exit_code == 1 and "database refused the restore" in result.output
    _assert_nothing_written(uploads)


def test_an_archive_of_another_schema_revision_is_refused(cli, uploads, emptied_backup, tmp_path):
    def older(manifest):
        manifest["alembic_revision"] = "0005_sent_reminder"

    bad = _rewrite(emptied_backup, tmp_path / "old.tar.gz", manifest=older)
    result = cli("restore", str(bad))
    assert result.exit_code == 1
    assert "schema revision '0005_sent_reminder'" in result.output
    assert code_revision() in result.output and "db upgrade" in result.output
    _assert_nothing_written(uploads)


def _file_info(name, body=b"evil", **kw):
    info = tarfile.TarInfo(name)
    info.size = len(body)
    for key, value in kw.items():
        setattr(info, key, value)
    return info, body


def _listed(name, body=b"evil"):
    def add(manifest):
        manifest["files"].append(
            {"member": name, "size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
        )

    return add


@pytest.mark.parametrize(
    "case",
    ["dotdot", "absolute", "hidden", "symlink", "hardlink", "unlisted", "size", "huge", "first"],
)
def test_hostile_archives_are_refused(cli, uploads, emptied_backup, tmp_path, case):
    victim = tmp_path / "victim.txt"
    escape = os.path.relpath(victim, uploads)
    manifest, extra = None, []
    if case == "dotdot":
        manifest, extra = _listed(f"files/{escape}"), [_file_info(f"files/{escape}")]
        expected = "forbidden name"
    elif case == "absolute":
        manifest, extra = _listed(f"files/{victim}"), [_file_info(f"files/{victim}")]
        expected = "forbidden name"
    elif case == "hidden":
        name = "files/.before-restore-x/a.pdf"
        manifest, extra = _listed(name), [_file_info(name)]
        expected = "forbidden name"
    elif case == "symlink":
        info, _ = _file_info("files/documents/link.pdf", b"", type=tarfile.SYMTYPE)
        info.linkname = str(victim)
        extra = [(info, None)]
        expected = "link or special file"
    elif case == "hardlink":
        info, _ = _file_info("files/documents/hard.pdf", b"", type=tarfile.LNKTYPE)
        info.linkname = "manifest.json"
        extra = [(info, None)]
        expected = "link or special file"
    elif case == "unlisted":
        extra = [_file_info("files/documents/extra.pdf")]
        expected = "which its manifest lacks"
    elif case == "size":
        # The manifest says 4 bytes; the member is far larger.
        manifest = _listed("files/documents/big.pdf")
        extra = [_file_info("files/documents/big.pdf", b"x" * 100_000)]
        expected = "the manifest says 4"
    elif case == "huge":

        def huge(manifest):
            manifest["files"].append(
                {"member": "files/documents/huge.pdf", "size": 2**60, "sha256": "0" * 64}
            )

        manifest = huge
        expected = "MiB are free"
    else:  # a member before the manifest
        bad = tmp_path / "bad.tar.gz"
        with tarfile.open(bad, "w:gz") as tar:
            for info, body in [_file_info("files/documents/a.pdf")] + _members(emptied_backup):
                tar.addfile(info, io.BytesIO(body))
        manifest, expected = None, "no manifest.json at its start"
    if case != "first":
        bad = _rewrite(emptied_backup, tmp_path / "bad.tar.gz", manifest=manifest, extra=extra)
    result = cli("restore", str(bad))
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert not victim.exists()
    _assert_nothing_written(uploads)


def test_not_an_archive_is_refused(db, cli, uploads, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"\x1f\x8b" + os.urandom(200))
    result = cli("restore", str(junk))
    assert result.exit_code == 1 and "damaged or not a .tar.gz" in result.output
    result = cli("restore", str(tmp_path / "missing.tar.gz"))
    assert result.exit_code == 1 and "no archive at" in result.output


# -- across engines ----------------------------------------------------------


def _postgres_admin_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return None
    return url


@pytest.fixture
def other_engine_url(tmp_path):
    """An empty database on the engine the test run does not use: a SQLite file
    under a PostgreSQL run, a new PostgreSQL database under a SQLite run."""
    if TEST_DB_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip("PostgreSQL is not reachable: no cross-engine restore")
    name = f"laurel_backup_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_an_archive_restores_into_the_other_engine(
    db, make, cli, uploads, tmp_path, other_engine_url
):
    from flask_migrate import upgrade

    _build(make, db)
    rows, files, nulls = _rows(), _files(uploads), _json_nulls()
    archive = tmp_path / "backup.tar.gz"
    assert cli("backup", "-o", str(archive)).exit_code == 0
    _db.session.remove()

    other_uploads = tmp_path / "other-uploads"
    other = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "other-instance"),
            "SQLALCHEMY_DATABASE_URI": other_engine_url,
            "UPLOAD_DIR": str(other_uploads),
            "SECRET_KEY": "x",
        }
    )
    with other.app_context():
        try:
            runner = other.test_cli_runner()
            # A database without the schema is sent to `flask db upgrade` first.
            result = runner.invoke(args=["restore", str(archive)])
            assert result.exit_code == 1 and "db upgrade" in result.output
            upgrade()
            result = runner.invoke(args=["restore", str(archive)])
            assert result.exit_code == 0, result.output
            assert _without_cache_token(_rows(_db.engine)) == _without_cache_token(rows)
            assert _json_nulls(_db.engine) == nulls
            assert _files(other_uploads) == files
            verify = runner.invoke(args=["audit", "verify"])
            assert verify.exit_code == 0 and "intact: 2 events" in verify.output, verify.output
            with _db.engine.begin() as conn:
                office = Office.__table__
                values = {c: rows["office"][0][i] for i, c in enumerate(office.c.keys())}
                del values["id"]
                values.update(name="Nowy", regon=None, nip=None)
                new_id = conn.execute(office.insert().values(values)).inserted_primary_key[0]
            assert new_id > max(r[0] for r in rows["office"])
        finally:
            _db.session.remove()
            _db.engine.dispose()
