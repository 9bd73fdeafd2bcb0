"""How the exports hold up at national scale.

Builds the edition of bench/ranking.py in a fresh database (3,000 entries,
15,000 stage-1 sheets and 1,800 stage-2 sheets: 318,000 scores), then writes
the scores table as CSV (streamed: time to the first chunk and in all) and,
on SQLite, as XLSX (write-only), and the ranking, once each; then the Python
memory peak of the CSV writer with tracemalloc (a second pass: tracemalloc
slows Python down).

    python bench/exports.py              # SQLite, then PostgreSQL on 127.0.0.1
    python bench/exports.py postgresql://postgres@127.0.0.1:5432/postgres
    python bench/exports.py --skip-xlsx  # the XLSX alone takes many minutes

It also writes the scores CSV as a blinded chapter's organizer gets it (codes,
code order, the offices' names taken out of the comments).

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
from app.editions.models import Edition  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jury.models import Score  # noqa: E402
from app.results import blinding, exports  # noqa: E402


def write_csv(edition, names=None) -> tuple[float, float, int]:
    """Seconds to the first rows (the chunk after the header) and in all, and
    the bytes written."""
    start = time.perf_counter()
    first = None
    size = 0
    for n, chunk in enumerate(exports.csv_chunks(exports.scores_table(edition, names=names))):
        if n == 1:
            first = time.perf_counter() - start
        size += len(chunk.encode())
    return first, time.perf_counter() - start, size


def write_xlsx(edition, folder: Path) -> tuple[float, int]:
    path = folder / "scores.xlsx"
    start = time.perf_counter()
    with path.open("wb") as out:
        exports.write_xlsx(exports.scores_table(edition), out)
    return time.perf_counter() - start, path.stat().st_size


def peak_mib(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(url: str, instance: Path) -> None:
    app = create_app(
        {"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": ""}
    )
    with app.app_context(), app.test_request_context("/"):
        dialect = db.engine.dialect.name
        db.create_all()
        edition_id = build()
        if dialect == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        edition = db.session.get(Edition, edition_id)
        scores = db.session.scalar(sa.select(sa.func.count()).select_from(Score))
        first, total, size = write_csv(edition)
        print(
            f"{dialect}: scores CSV, {scores:,} scores: first rows after {first:.2f} s, "
            f"all {total:.1f} s, {size / 2**20:.1f} MiB",
            flush=True,
        )
        edition.blind_chapter = True
        blinding.assign_codes(edition)
        db.session.commit()
        start = time.perf_counter()
        names = blinding.names_for(edition, None)  # nobody signed in: blinded
        loaded = time.perf_counter() - start
        first, total, size = write_csv(edition, names)
        print(
            f"{dialect}: scores CSV blinded: names loaded in {loaded:.2f} s, first rows after "
            f"{first:.2f} s, all {total:.1f} s, {size / 2**20:.1f} MiB",
            flush=True,
        )
        if dialect == "sqlite" and "--skip-xlsx" not in sys.argv:
            # openpyxl's work per cell dominates, whatever the database.
            seconds, size = write_xlsx(edition, instance)
            print(f"{dialect}: scores XLSX: {seconds:.1f} s, {size / 2**20:.1f} MiB", flush=True)
        start = time.perf_counter()
        exports.xlsx_bytes(exports.ranking_table(edition, stage="final"))
        print(
            f"{dialect}: ranking XLSX (live final): {time.perf_counter() - start:.1f} s", flush=True
        )
        csv_peak = peak_mib(lambda: write_csv(edition))
        print(
            f"{dialect}: Python memory peak while writing the CSV: {csv_peak:.1f} MiB", flush=True
        )
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    postgres = args[0] if args else DEFAULT_POSTGRES
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        measure(f"sqlite:///{instance / 'bench.db'}", instance)
        with fresh_postgres(postgres, "laurel_bench_exports") as url:
            measure(url, instance)


if __name__ == "__main__":
    main()
