"""How the ranking service holds up at national scale.

Builds, in a fresh database, an edition with 3,000 submitted entries in two
categories, 50 jurors and 20 stage-1 criteria (maxima 5, 10 and 20, weights 1
and 2, one on half points); 5 jurors score every entry, all sheets submitted:
15,000 sheets, 300,000 scores. Each juror has a bias of their own, so
normalisation has work to do. Stage 2 as well, smaller: the best 600 entries,
3 jurors each, 10 stage-2 criteria (18,000 scores) and two mystery-shopper
visits per entry with five checklist items.

It then times, as the median of 5 runs (the two taking turns):
  - the ranking service, `rank(edition, stage="final")` (entries, sheet sums,
    checklist tallies, normalisation, positions), and
  - the baseline: one bare SQL aggregate of the same scores, fully fetched,
    SELECT sheet_id, SUM(value * weight), SUM(max_score * weight)
    FROM score JOIN criterion ... GROUP BY sheet_id.
The target is the service within 2x the bare aggregate.

    python bench/ranking.py              # SQLite, then PostgreSQL on 127.0.0.1
    python bench/ranking.py postgresql://postgres@127.0.0.1:5432/postgres
      (the PostgreSQL run creates and drops its own database next to the one named)

Not a test: it prints numbers for the README and asserts nothing. The last two
lines are machine-readable:
    sqlite ranking_s=<seconds> baseline_sql_s=<seconds>
    postgresql ranking_s=<seconds> baseline_sql_s=<seconds>
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fresh_db import fresh_postgres  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Role, User  # noqa: E402
from app.editions.models import Area, Category, Criterion, Edition, EditionStatus  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jury.models import Assignment, Score, ScoreSheet, SheetStatus  # noqa: E402
from app.jury.visits.models import (  # noqa: E402
    ChecklistItem,
    ChecklistItemKind,
    MysteryVisit,
    VisitAnswer,
    VisitChannel,
    VisitStatus,
)
from app.offices.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    Office,
    OfficeType,
    Voivodeship,  # noqa: E402
)
from app.results.ranking import rank  # noqa: E402
from app.timeutil import utcnow  # noqa: E402

ENTRIES = 3000
JURORS = 50
PER_ENTRY = 5
STAGE1_CRITERIA = 20  # 5 areas x 4
STAGE2_ENTRIES = 600
STAGE2_PER_ENTRY = 3
STAGE2_CRITERIA = 10  # 5 areas x 2
RUNS = 5
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"

BASELINE = sa.text(
    "SELECT score.sheet_id, SUM(score.value * criterion.weight),"
    " SUM(score.max_score * criterion.weight)"
    " FROM score JOIN criterion ON criterion.id = score.criterion_id"
    " GROUP BY score.sheet_id"
)


def _value(rng: random.Random, maximum: int, step: float, bias: float, quality: float) -> float:
    """A juror's score: the entry's quality, the juror's bias, some noise,
    snapped to the criterion's step and kept in range."""
    raw = maximum * (quality + bias + rng.gauss(0, 0.1))
    raw = min(max(raw, 0), maximum)
    return round(raw / step) * step


def _bulk(model, rows: list[dict], chunk: int = 20_000) -> None:
    for start in range(0, len(rows), chunk):
        db.session.execute(sa.insert(model), rows[start : start + chunk])


def _ids(column, *where) -> list[int]:
    return list(db.session.scalars(sa.select(column).where(*where).order_by(column)).all())


def _criteria(edition: Edition, stage: int, per_area: int) -> list[dict]:
    maxima, out = (10, 5, 20, 10), []
    for a, area in enumerate(edition.areas):
        for c in range(per_area):
            criterion = Criterion(
                area_id=area.id,
                stage=stage,
                name=f"Kryterium {stage}.{a + 1}.{c + 1}",
                max_score=maxima[c],
                weight=1.0 + c % 2,
                step=0.5 if c == 2 else 1.0,
                position=c,
            )
            db.session.add(criterion)
            db.session.flush()
            out.append({"id": criterion.id, "max": maxima[c], "step": float(criterion.step)})
    return out


def _sheets(assignments: list[tuple[int, int, int]], stage: int, now) -> list[int]:
    """Submitted sheets for (assignment id, juror id, entry id); their ids in order."""
    _bulk(
        ScoreSheet,
        [
            {
                "assignment_id": assignment_id,
                "stage": stage,
                "status": SheetStatus.submitted,
                "general_comment": "",
                "submitted_at": now,
                "updated_at": now,
                "reopen_reason": "",
                "version": 1,
            }
            for assignment_id, _, _ in assignments
        ],
    )
    return _ids(ScoreSheet.id, ScoreSheet.stage == stage)


def build() -> int:
    """The edition and everything ranked in it; returns the edition id."""
    rng = random.Random(2026)
    now = utcnow()
    edition = Edition(
        name="Bench ranking",
        slug="bench-ranking",
        year=2026,
        status=EditionStatus.stage2,
        stage2_end=dt.date.today() + dt.timedelta(days=10),
    )
    edition.categories.append(Category(name="Gminy", position=0))
    edition.categories.append(Category(name="Powiaty", position=1))
    for a in range(5):
        edition.areas.append(Area(name=f"Obszar {a + 1}", position=a))
    db.session.add(edition)
    db.session.flush()
    stage1 = _criteria(edition, 1, STAGE1_CRITERIA // 5)
    stage2 = _criteria(edition, 2, STAGE2_CRITERIA // 5)
    category_ids = [c.id for c in edition.categories]

    voivodeships = list(Voivodeship)
    _bulk(
        Office,
        [
            {
                "name": f"Urząd Gminy Testowo {i:04d}",
                "office_type": OfficeType.municipal,
                "voivodeship": voivodeships[i % len(voivodeships)],
                "city": f"Testowo {i}",
                "address": "",
                "postal_code": "00-001",
                "contact_name": "",
                "contact_email": f"urzad{i}@example.org",
                "phone": "",
                "rejection_reason": "",
                "created_at": now,
            }
            for i in range(ENTRIES)
        ],
    )
    office_ids = _ids(Office.id)
    _bulk(
        Application,
        [
            {
                "edition_id": edition.id,
                "category_id": category_ids[i % 2],
                "office_id": office_id,
                "status": ApplicationStatus.submitted,
                "submitted_at": now,
                "reopen_reason": "",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for i, office_id in enumerate(office_ids)
        ],
    )
    entry_ids = _ids(Application.id, Application.edition_id == edition.id)
    quality = {e: rng.uniform(0.3, 0.8) for e in entry_ids}

    _bulk(
        User,
        [
            {
                "email": f"juror{j}@example.org",
                "full_name": f"Juror {j:02d}",
                "role": Role.juror,
                "is_active_account": True,
                "created_at": now,
            }
            for j in range(JURORS)
        ],
    )
    juror_ids = _ids(User.id, User.role == Role.juror)
    bias = {j: rng.uniform(-0.15, 0.15) for j in juror_ids}

    def assign(entries: list[int], per_entry: int, stage: int) -> list[tuple[int, int, int]]:
        pairs = [
            (juror_ids[(per_entry * i + k) % JURORS], entry)
            for i, entry in enumerate(entries)
            for k in range(per_entry)
        ]
        _bulk(
            Assignment,
            [
                {"application_id": e, "juror_id": j, "stage": stage, "created_at": now}
                for j, e in pairs
            ],
        )
        ids = _ids(Assignment.id, Assignment.stage == stage)
        return [(a, j, e) for a, (j, e) in zip(ids, pairs, strict=True)]

    def score(assignments, sheet_ids, criteria, stage):
        _bulk(
            Score,
            [
                {
                    "sheet_id": sheet_id,
                    "criterion_id": c["id"],
                    "stage": stage,
                    "max_score": c["max"],
                    "step": c["step"],
                    "value": _value(rng, c["max"], c["step"], bias[j], quality[e]),
                    "strengths": "",
                    "improvements": "",
                }
                for (_, j, e), sheet_id in zip(assignments, sheet_ids, strict=True)
                for c in criteria
            ],
        )

    first = assign(entry_ids, PER_ENTRY, 1)
    score(first, _sheets(first, 1, now), stage1, 1)

    finalists = sorted(entry_ids, key=lambda e: -quality[e])[:STAGE2_ENTRIES]
    second = assign(finalists, STAGE2_PER_ENTRY, 2)
    score(second, _sheets(second, 2, now), stage2, 2)

    kinds = [ChecklistItemKind.yes_no] * 3 + [ChecklistItemKind.scale, ChecklistItemKind.minutes]
    for n, kind in enumerate(kinds):
        db.session.add(
            ChecklistItem(
                edition_id=edition.id,
                channel=VisitChannel.in_person,
                kind=kind,
                prompt=f"Pytanie {n + 1}?",
                scale_max=5 if kind is ChecklistItemKind.scale else None,
                position=n,
            )
        )
    db.session.flush()
    items = db.session.scalars(sa.select(ChecklistItem).order_by(ChecklistItem.id)).all()
    _bulk(
        MysteryVisit,
        [
            {
                "application_id": e,
                "visitor_name": "Anna Kontrolna",
                "channel": VisitChannel.in_person,
                "status": VisitStatus.submitted,
                "visited_at": now,
                "submitted_at": now,
                "notes": "",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for e in finalists
            for _ in range(2)
        ],
    )
    visits = db.session.execute(sa.select(MysteryVisit.id, MysteryVisit.application_id)).all()
    _bulk(
        VisitAnswer,
        [
            {
                "visit_id": visit_id,
                "item_id": item.id,
                "bool_value": rng.random() < quality[e]
                if item.kind is ChecklistItemKind.yes_no
                else None,
                "number_value": (
                    round(5 * quality[e])
                    if item.kind is ChecklistItemKind.scale
                    else rng.randint(0, 30)
                    if item.kind is ChecklistItemKind.minutes
                    else None
                ),
                "text_value": "",
            }
            for visit_id, e in visits
            for item in items
        ],
    )
    db.session.commit()
    return edition.id


def median_seconds(*runs) -> list[float]:
    """Median seconds of RUNS calls of each function, after one warm-up call
    each (caches, the first compile of each statement). The functions take
    turns, so a busy moment on the machine falls on both alike."""
    for run in runs:
        run()
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(RUNS):
        for run, bucket in zip(runs, times, strict=True):
            start = time.perf_counter()
            run()
            bucket.append(time.perf_counter() - start)
    return [statistics.median(bucket) for bucket in times]


def measure(url: str, instance: Path) -> tuple[float, float]:
    app = create_app(
        {"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": ""}
    )
    with app.app_context():
        dialect = db.engine.dialect.name
        start = time.perf_counter()
        db.create_all()
        edition_id = build()
        if dialect == "postgresql":
            # Steady state: autovacuum would have analysed the fresh tables by now.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        scores = db.session.scalar(sa.select(sa.func.count()).select_from(Score))
        sheets = db.session.scalar(sa.select(sa.func.count()).select_from(ScoreSheet))
        print(
            f"{dialect}: built {sheets:,} sheets, {scores:,} scores in "
            f"{time.perf_counter() - start:.1f} s"
        )
        edition = db.session.get(Edition, edition_id)

        statements = []

        def count(*args):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", count)
        ranking = rank(edition, stage="final")
        sa.event.remove(db.engine, "before_cursor_execute", count)
        ranked = len(ranking.ranked)
        stage1 = rank(edition, stage=1)
        print(
            f"{dialect}: final ranking of {ranked} entries, stage 1 of {len(stage1.ranked)}; "
            f"{len(stage1.not_normalised)} jurors not normalised; {len(statements)} queries"
        )

        ranking_s, baseline_s = median_seconds(
            lambda: rank(edition, stage="final"), lambda: db.session.execute(BASELINE).all()
        )
        print(f"{dialect}: ranking / bare aggregate = {ranking_s / baseline_s:.2f}x (target 2x)")
        db.session.remove()
        db.engine.dispose()
    return ranking_s, baseline_s


def main() -> None:
    postgres = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_POSTGRES
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        results["sqlite"] = measure(f"sqlite:///{instance / 'bench.db'}", instance)
        with fresh_postgres(postgres, "laurel_bench_ranking") as url:
            results["postgresql"] = measure(url, instance)
    for dialect in ("sqlite", "postgresql"):
        ranking_s, baseline_s = results[dialect]
        print(f"{dialect} ranking_s={ranking_s:.3f} baseline_sql_s={baseline_s:.3f}")


if __name__ == "__main__":
    main()
