"""How the juror's scoring pages hold up at national scale.

A national edition brings about 3,000 entries, 50 jurors and 3 jurors per
entry, so each juror scores about 180 entries against 20 criteria. This builds
that in a fresh database (about half of all sheets already written, drafts and
submitted, with scores and comments; every entry with questionnaire answers and
a few documents), then signs in as one juror and measures (median of 15
requests, and the SQL statements of one request):
  - the juror's entries page (the first page of 50 of their ~180 entries),
  - the entry page of an assignment whose sheet is a draft with 20 scores,
  - saving that sheet (all 20 values and comments, "Save draft"),
  - a bare Flask page that lists 50 rows (offices by name) with one query and
    a minimal template: the baseline the pages are compared with (target:
    each page within 3x of it).

    python bench/scoring.py                      # SQLite in a temp folder
    python bench/scoring.py postgresql://postgres@127.0.0.1:5432/postgres
      (a PostgreSQL run creates and drops its own database next to the one named)

Not a test: it prints numbers for the README, it asserts nothing. The last
line is machine-readable:
    scoring entries_ms=<x> entry_ms=<y> save_ms=<z> bare_ms=<b>
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask import render_template_string  # noqa: E402
from fresh_db import fresh_postgres  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Role, User  # noqa: E402
from app.editions.models import (  # noqa: E402
    Area,
    Category,
    CommentRule,
    Criterion,
    Edition,
    EditionStatus,
    Question,
    QuestionKind,
)
from app.extensions import db  # noqa: E402
from app.jury.models import (  # noqa: E402
    Assignment,
    JuryMembership,
    MembershipStatus,
    Score,
    ScoreSheet,
    SheetStatus,
)
from app.offices.models import (  # noqa: E402
    Answer,
    Application,
    ApplicationStatus,
    Document,
    Office,
    OfficeType,
    Voivodeship,
)
from app.timeutil import utcnow  # noqa: E402

ENTRIES = 3000
JURORS = 50
PER_ENTRY = 3
AREAS = 5
CRITERIA_PER_AREA = 4  # 20 criteria
QUESTIONS_PER_AREA = 3
RUNS = 15
# Untimed rounds first, as on a server that has been running: templates
# compiled, caches warm, and on PostgreSQL the statements prepared (psycopg
# prepares a statement after 5 runs on a connection; the server keeps planning
# it for the first 5 runs of the prepared statement).
WARMUP = 12
PASSWORD = "benchmark-password"
MEASURED = 0  # index of the juror who signs in

BARE_TEMPLATE = """<!doctype html><title>Offices</title>
<ul>{% for id, name in rows %}<li>{{ id }}: {{ name }}</li>{% endfor %}</ul>"""

STRENGTHS = (
    "Karta usług aktualna i dostępna na stronie BIP oraz w punkcie obsługi; "
    "jasne informacje o wymaganych dokumentach i opłatach."
)
IMPROVEMENTS = (
    "Brak pomiaru czasu oczekiwania w godzinach szczytu; warto publikować "
    "wyniki badań satysfakcji i opisać działania naprawcze."
)


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *args):
        self.count += 1


def _scale(rng: random.Random, criterion: dict) -> float:
    steps = int(criterion["max_score"] / criterion["step"])
    return rng.randint(0, steps) * criterion["step"]


def build(edition_id_out: dict) -> None:
    """The edition, its offices, entries, jury, assignments and sheets."""
    rng = random.Random(2026)
    now = utcnow()
    today = dt.date.today()

    edition = Edition(
        name="Bench 2026",
        slug="bench",
        year=2026,
        status=EditionStatus.stage1,
        stage1_start=today - dt.timedelta(days=10),
        stage1_end=today + dt.timedelta(days=20),
    )
    edition.categories.append(Category(name="Gminy", position=0))
    edition.categories.append(Category(name="Powiaty", position=1))
    db.session.add(edition)
    db.session.flush()

    # 5 areas x 4 stage-1 criteria: maxima 5, 10 and 20, a few on half points,
    # all three comment rules; and the questionnaire.
    criteria: list[dict] = []
    questions: list[dict] = []
    maxima = (10, 5, 20, 10)
    rules = (CommentRule.extremes, CommentRule.always, CommentRule.extremes, CommentRule.never)
    for a in range(AREAS):
        area = Area(edition=edition, name=f"Obszar {a + 1}", position=a)
        db.session.add(area)
        db.session.flush()
        for c in range(CRITERIA_PER_AREA):
            criterion = Criterion(
                area_id=area.id,
                stage=1,
                name=f"Kryterium {a + 1}.{c + 1}",
                guidance="Oceń na podstawie dokumentów i odpowiedzi w ankiecie.",
                max_score=maxima[c],
                weight=1.0 + c % 2,
                step=0.5 if c == 2 else 1.0,
                comment_rule=rules[c],
                position=c,
            )
            db.session.add(criterion)
            db.session.flush()
            criteria.append({"id": criterion.id, "max_score": maxima[c], "step": criterion.step})
        for q in range(QUESTIONS_PER_AREA):
            kind = (QuestionKind.text, QuestionKind.yes_no, QuestionKind.number)[q]
            question = Question(
                area_id=area.id,
                kind=kind,
                prompt=f"Pytanie {a + 1}.{q + 1}?",
                max_length=2000 if kind is QuestionKind.text else None,
                position=q,
            )
            db.session.add(question)
            db.session.flush()
            questions.append({"id": question.id, "kind": kind, "area_id": area.id})
    area_ids = db.session.scalars(sa.select(Area.id).where(Area.edition_id == edition.id)).all()
    category_ids = [c.id for c in edition.categories]

    voivodeships = list(Voivodeship)
    db.session.execute(
        sa.insert(Office),
        [
            {
                "name": f"Urząd Gminy Testowo {i:04d}",
                "office_type": OfficeType.municipal,
                "voivodeship": voivodeships[i % len(voivodeships)],
                "city": f"Testowo {i}",
                "address": f"ul. Główna {i}",
                "postal_code": "00-001",
                "regon": None,
                "nip": None,
                "contact_name": "",
                "contact_email": f"urzad{i}@example.org",
                "phone": "",
                "rejection_reason": "",
                "created_at": now,
            }
            for i in range(ENTRIES)
        ],
    )
    office_ids = db.session.scalars(sa.select(Office.id).order_by(Office.id)).all()
    db.session.execute(
        sa.insert(Application),
        [
            {
                "edition_id": edition.id,
                "category_id": category_ids[i % len(category_ids)],
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
    application_ids = db.session.scalars(sa.select(Application.id).order_by(Application.id)).all()

    answers = []
    documents = []
    for i, application_id in enumerate(application_ids):
        for q in questions:
            row = {
                "application_id": application_id,
                "question_id": q["id"],
                "text_value": None,
                "bool_value": None,
                "number_value": None,
            }
            if q["kind"] is QuestionKind.text:
                row["text_value"] = (
                    "Urząd prowadzi kartę usług i badanie satysfakcji klientów. " * 4
                )
            elif q["kind"] is QuestionKind.yes_no:
                row["bool_value"] = i % 3 != 0
            else:
                row["number_value"] = 10 + i % 50
            answers.append(row)
        for d in range(2 + i % 2):
            documents.append(
                {
                    "application_id": application_id,
                    "area_id": area_ids[d % len(area_ids)] if d else None,
                    "original_name": f"zalacznik-{d + 1}.pdf",
                    "stored_name": uuid.uuid4().hex + ".pdf",
                    "content_type": "application/pdf",
                    "size_bytes": 150_000 + d * 1000,
                    "sha256": "0" * 64,
                    "uploaded_at": now,
                    "uploaded_by_id": None,
                }
            )
    db.session.execute(sa.insert(Answer), answers)
    db.session.execute(sa.insert(Document), documents)

    hasher = User(email="x@example.org", full_name="x", role=Role.juror)
    hasher.set_password(PASSWORD)
    db.session.execute(
        sa.insert(User),
        [
            {
                "email": f"juror{j}@example.org",
                "full_name": f"Juror {j:02d}",
                "role": Role.juror,
                "password_hash": hasher.password_hash,
                "is_active_account": True,
                "email_confirmed_at": now,
                "created_at": now,
            }
            for j in range(JURORS)
        ],
    )
    juror_ids = db.session.scalars(
        sa.select(User.id).where(User.role == Role.juror).order_by(User.email)
    ).all()
    juror_ids = sorted(juror_ids)
    db.session.execute(
        sa.insert(JuryMembership),
        [
            {
                "edition_id": edition.id,
                "user_id": juror_id,
                "status": MembershipStatus.accepted,
                "invited_at": now,
                "responded_at": now,
                "conflicts_confirmed_at": now,
            }
            for juror_id in juror_ids
        ],
    )

    # Entry i goes to jurors 3i, 3i+1, 3i+2 (mod 50): 180 assignments each.
    db.session.execute(
        sa.insert(Assignment),
        [
            {
                "application_id": application_id,
                "juror_id": juror_ids[(PER_ENTRY * i + k) % JURORS],
                "stage": 1,
                "created_at": now,
                "assigned_by_id": None,
                "due_date": None,
            }
            for i, application_id in enumerate(application_ids)
            for k in range(PER_ENTRY)
        ],
    )
    assignment_ids = db.session.scalars(sa.select(Assignment.id).order_by(Assignment.id)).all()

    # About half the sheets are written, half of those submitted and half
    # drafts, each with all 20 scores and their comments.
    sheets = []
    for assignment_id in assignment_ids:
        draw = rng.random()
        if draw >= 0.5:
            continue
        submitted = draw < 0.25
        sheets.append(
            {
                "assignment_id": assignment_id,
                "stage": 1,
                "status": SheetStatus.submitted if submitted else SheetStatus.draft,
                "general_comment": "Wniosek kompletny, dobrze udokumentowany.",
                "submitted_at": now if submitted else None,
                "updated_at": now,
                "last_saved_by_id": None,
                "reopened_at": None,
                "reopen_reason": "",
                "version": 1,
            }
        )
    db.session.execute(sa.insert(ScoreSheet), sheets)
    sheet_ids = db.session.scalars(sa.select(ScoreSheet.id).order_by(ScoreSheet.id)).all()
    scores = [
        {
            "sheet_id": sheet_id,
            "criterion_id": c["id"],
            "stage": 1,
            "max_score": c["max_score"],
            "step": c["step"],
            "value": _scale(rng, c),
            "strengths": STRENGTHS,
            "improvements": IMPROVEMENTS,
        }
        for sheet_id in sheet_ids
        for c in criteria
    ]
    for start in range(0, len(scores), 20_000):
        db.session.execute(sa.insert(Score), scores[start : start + 20_000])
    db.session.commit()
    edition_id_out.update(edition_id=edition.id, criteria=criteria)


def measure(client, counter, requests: list[tuple]) -> dict[str, tuple[float, int]]:
    """key -> (median milliseconds of RUNS requests, statements of the last one).

    WARMUP untimed rounds first; then the requests take turns, round by
    round, so that a busy moment on the machine slows them all rather than
    only one of them."""
    times: dict[str, list[float]] = {key: [] for key, *_ in requests}
    queries: dict[str, int] = {}
    for round_ in range(WARMUP + RUNS):
        for key, method, url, payload in requests:
            data = payload() if callable(payload) else payload
            start_count = counter.count
            start = time.perf_counter()
            response = client.open(url, method=method, data=data)
            elapsed = time.perf_counter() - start
            expected = 302 if method == "POST" else 200
            assert response.status_code == expected, (url, response.status_code)
            if round_ >= WARMUP:
                times[key].append(elapsed)
                queries[key] = counter.count - start_count
    return {key: (statistics.median(times[key]) * 1000, queries[key]) for key in times}


def run(url: str, instance: Path) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "MAIL_SERVER": "",
        }
    )

    def bare():
        rows = db.session.execute(
            sa.select(Office.id, Office.name).order_by(Office.name).limit(50)
        ).all()
        return render_template_string(BARE_TEMPLATE, rows=rows)

    # Registered before the first request, on the same app and database.
    app.add_url_rule("/bench/bare", "bench_bare", bare)

    setup_start = time.perf_counter()
    with app.app_context():
        db.create_all()
        info: dict = {}
        build(info)
        if db.engine.dialect.name == "postgresql":
            # Steady state: autovacuum would have analysed the fresh tables by now.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        juror_id = db.session.scalar(
            sa.select(User.id).where(User.email == f"juror{MEASURED}@example.org")
        )
        counts = dict(
            db.session.execute(
                sa.select(ScoreSheet.status, sa.func.count())
                .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
                .where(Assignment.juror_id == juror_id)
                .group_by(ScoreSheet.status)
            ).all()
        )
        assigned = db.session.scalar(
            sa.select(sa.func.count()).where(Assignment.juror_id == juror_id)
        )
        # The measured entry: one of the juror's drafts with all 20 scores.
        assignment_id = db.session.scalar(
            sa.select(Assignment.id)
            .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
            .where(Assignment.juror_id == juror_id, ScoreSheet.status == SheetStatus.draft)
            .order_by(Assignment.id)
            .limit(1)
        )
        totals = {
            "scores": db.session.scalar(sa.select(sa.func.count(Score.id))),
            "sheets": db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))),
            "assignments": db.session.scalar(sa.select(sa.func.count(Assignment.id))),
        }
        engine = db.engine
        edition_id = info["edition_id"]
        criteria = info["criteria"]
        db.session.remove()
    setup_seconds = time.perf_counter() - setup_start

    print(f"database: {engine.dialect.name}")
    print(
        f"built in {setup_seconds:.1f} s: {ENTRIES} entries, {JURORS} jurors, "
        f"{len(criteria)} criteria, {totals['assignments']} assignments, "
        f"{totals['sheets']} sheets, {totals['scores']} scores"
    )
    print(
        f"measured juror: {assigned} assignments, "
        f"{counts.get(SheetStatus.draft, 0)} drafts, "
        f"{counts.get(SheetStatus.submitted, 0)} submitted"
    )

    # The client reads the version through its own connection: sharing the
    # server's pool would end a server connection's transaction from outside.
    client_engine = sa.create_engine(engine.url)

    def version() -> int:
        with client_engine.connect() as conn:
            return conn.scalar(
                sa.select(ScoreSheet.version).where(ScoreSheet.assignment_id == assignment_id)
            )

    saves = itertools.count()

    def save_form() -> dict:
        # The version is read outside the counted request, so every save is
        # based on the current one and succeeds. Each save changes all 20
        # scores (0 and the maximum in turn) and both comments of each, so
        # every save writes the same rows and columns.
        n = next(saves)
        form = {
            "version": str(version()),
            "general_comment": f"Wniosek kompletny, dobrze udokumentowany ({n}).",
            "save": "1",
        }
        for c in criteria:
            form[f"value-{c['id']}"] = str(c["max_score"] if n % 2 else 0)
            form[f"strengths-{c['id']}"] = f"{STRENGTHS} ({n})"
            form[f"improvements-{c['id']}"] = f"{IMPROVEMENTS} ({n})"
        form["issue-0"] = "Deklarowany czas oczekiwania: 15 minut"
        return form

    # Outside the setup's app context: each request gets its own session, as in production.
    counter = QueryCounter(engine)
    client = app.test_client()
    response = client.post(
        "/account/login", data={"email": f"juror{MEASURED}@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302, "login failed"

    names = {
        "bare": "bare page, 50 rows",
        "entries": "juror's entries page (1 of 4)",
        "entry": "entry page, draft of 20 scores",
        "save": "save the sheet (20 scores)",
    }
    measured = measure(
        client,
        counter,
        [
            ("bare", "GET", "/bench/bare", None),
            ("entries", "GET", f"/jury/editions/{edition_id}/entries?stage=1", None),
            ("entry", "GET", f"/assignments/{assignment_id}", None),
            ("save", "POST", f"/assignments/{assignment_id}", save_form),
        ],
    )
    results = [(names[key], key, value) for key, value in measured.items()]
    engine.dispose()
    client_engine.dispose()

    bare_ms = results[0][2][0]
    print(f"{'request':32} {'median ms':>10} {'queries':>8} {'x bare':>7}")
    for name, _key, (ms, queries) in results:
        print(f"{name:32} {ms:10.1f} {queries:8d} {ms / bare_ms:7.1f}")
    ms = {key: value[0] for _name, key, value in results}
    print(
        "page / bare: "
        + ", ".join(f"{key} {ms[key] / bare_ms:.1f}x" for key in ("entries", "entry", "save"))
        + " (target: 3x or less)"
    )
    print(
        f"scoring entries_ms={ms['entries']:.1f} entry_ms={ms['entry']:.1f} "
        f"save_ms={ms['save']:.1f} bare_ms={ms['bare']:.1f}"
    )


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else ""
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        if not url.startswith("postgres"):
            run(f"sqlite:///{instance / 'bench.db'}", instance)
            return
        with fresh_postgres(url) as fresh:
            run(fresh, instance)


if __name__ == "__main__":
    main()
