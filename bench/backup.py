"""How backup and restore hold up at national scale.

Builds the edition of bench/ranking.py in a fresh SQLite database (3,000
entries, 318,000 scores), writes a backup, restores it into a fresh
PostgreSQL database (the cross-engine case) and into a fresh SQLite file; then
a second backup and SQLite restore under tracemalloc for the Python memory
peak (tracemalloc slows Python down, so those runs are not timed).

    python bench/backup.py                                   # PostgreSQL on 127.0.0.1
    python bench/backup.py postgresql://postgres@127.0.0.1:5432/postgres

Not a test: it prints numbers for the README and asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fresh_db import fresh_postgres  # noqa: E402
from ranking import DEFAULT_POSTGRES, build  # noqa: E402

from app import create_app  # noqa: E402
from app.backup import restore_backup, write_backup  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jury.models import Score  # noqa: E402


def _app(url: str, instance: Path):
    return create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": str(instance / "uploads"),
            "MAIL_SERVER": "",
        }
    )


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def peak_mib(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def restore_into(url: str, instance: Path, archive: Path, *, trace: bool = False) -> None:
    app = _app(url, instance)
    with app.app_context():
        dialect = db.engine.dialect.name
        db.create_all()
        if trace:
            peak = peak_mib(lambda: restore_backup(archive))
            print(f"{dialect}: Python memory peak while restoring: {peak:.1f} MiB", flush=True)
        else:
            result, seconds = timed(lambda: restore_backup(archive))
            print(
                f"{dialect}: restore of {result.rows:,} rows from a sqlite archive: {seconds:.1f} s",
                flush=True,
            )
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    postgres = args[0] if args else DEFAULT_POSTGRES
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = _app(f"sqlite:///{root / 'source.db'}", root / "source")
        archive = root / "backup.tar.gz"
        with source.app_context(), source.test_request_context("/"):
            db.create_all()
            build()
            scores = db.session.scalar(sa.select(sa.func.count()).select_from(Score))
            db.session.remove()
            manifest, seconds = timed(lambda: write_backup(archive))
            rows = sum(t["rows"] for t in manifest["tables"])
            print(
                f"sqlite: backup of {rows:,} rows ({scores:,} scores): {seconds:.1f} s, "
                f"archive {archive.stat().st_size / 2**20:.1f} MiB",
                flush=True,
            )
            traced = root / "traced.tar.gz"
            peak = peak_mib(lambda: write_backup(traced))
            print(f"sqlite: Python memory peak while backing up: {peak:.1f} MiB", flush=True)
            db.engine.dispose()
        with fresh_postgres(postgres, "laurel_bench_backup") as url:
            restore_into(url, root / "pg", archive)
        restore_into(f"sqlite:///{root / 'restored.db'}", root / "sqlite", archive)
        restore_into(f"sqlite:///{root / 'traced.db'}", root / "traced", archive, trace=True)


if __name__ == "__main__":
    main()
