"""Results-day load: 50 jurors saving score sheets while 200 anonymous
visitors read the public site, against gunicorn + PostgreSQL.

What it does, all on this machine and bounded in time:
  1. makes a throwaway PostgreSQL database next to the one named (bench/fresh_db.py)
     and migrates it (`flask db upgrade`, as production does);
  2. builds the data with the app's own factories and services: an edition in
     stage 1 with 10 criteria, 50 jurors (declarations confirmed) with 4
     entries each, the demo (home page, the gala post with its photos) and 24
     more published posts, so the news list has three pages;
  3. starts gunicorn on 127.0.0.1 (gthread workers) over that database;
  4. runs Locust headless for --duration seconds (default 60): jurors sign
     in, open their entries and save their sheets through the JSON autosave
     endpoint the sheet page's script uses (app/static/sheet-autosave.js);
     visitors read the pages listed in bench/load_locust.py's VISITOR_PAGES;
  5. stops gunicorn, compares the last values each juror's save was
     acknowledged for with what the database holds, drops the database.

    python bench/load.py [POSTGRESQL_URL] [--duration 60] [--workers 4]
    make bench

Not a test: it asserts nothing. The last three lines are machine-readable:
    p95_ms=<95th percentile of all requests, ms>
    errors=<failed requests>
    lost_scores=<acknowledged scores the database does not hold>

Login rate limits are switched off for the run (every simulated user comes
from 127.0.0.1), and the accounts get the cheap password-hash profile the
tests use: signing in is not what is measured here.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fresh_db import fresh_postgres  # noqa: E402

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
JURORS = 50
VISITORS = 200
ENTRIES_PER_JUROR = 4
EXTRA_POSTS = 24


def _config(url: str, instance: Path) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(instance),
        "UPLOAD_DIR": str(instance / "uploads"),
        "SECRET_KEY": "laurel-load-bench",
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": "",
    }


def build(url: str, instance: Path) -> dict:
    """Migrate and fill the database; returns the plan the Locust users follow."""
    import io

    from flask_migrate import upgrade
    from PIL import Image

    from app import create_app
    from app.demo import seed_demo
    from app.editions.models import EditionStatus
    from app.extensions import db
    from app.offices.models import ApplicationStatus
    from app.public import services as news
    from app.timeutil import utcnow
    from tests.factories import PASSWORD, Factories

    # TESTING only for the build: it gives the accounts the cheap hash profile.
    app = create_app({**_config(url, instance), "TESTING": True})
    with app.app_context():
        upgrade()
        seed_demo()
        make = Factories(db)
        organizer = make.organizer()
        edition = make.edition(status=EditionStatus.stage1, areas=0, categories=1)
        criteria = []
        for a in range(5):
            area = make.area(edition=edition, position=a)
            for c in range(2):
                criteria.append(make.criterion(area=area, stage=1, max_score=10, position=c))
        jurors = []
        for j in range(JURORS):
            juror = make.juror(edition=edition, email=f"load-juror{j}@laurel.example")
            juror.jury_memberships[0].conflicts_confirmed_at = utcnow()
            assignments = []
            for _ in range(ENTRIES_PER_JUROR):
                entry = make.application(edition=edition, status=ApplicationStatus.submitted)
                assignments.append(make.assignment(application=entry, juror=juror).id)
            jurors.append({"email": juror.email, "assignments": assignments})
        slugs = []
        for n in range(EXTRA_POSTS):
            post = news.create_post(
                actor=organizer,
                data=news.PostData(
                    title=f"Aktualność numer {n + 1}",
                    lead="Krótki wstęp do wpisu.",
                    body="Akapit pierwszy.\n\nAkapit drugi, dłuższy, o przebiegu konkursu.",
                    byline="Zespół konkursu",
                    published_at=utcnow() - dt.timedelta(hours=n + 1),
                ),
            )
            picture = io.BytesIO()
            Image.new("RGB", (1200, 800), (20 * (n % 12), 90, 140)).save(picture, "JPEG")
            upload = type(
                "Upload", (), {"stream": io.BytesIO(picture.getvalue()), "filename": "f.jpg"}
            )
            news.add_photo(post, actor=organizer, upload=upload, alt_text=f"Zdjęcie {n + 1}")
            news.publish_post(post, actor=organizer)
            slugs.append(post.slug)
        db.session.commit()
        from app.demo.news import NEWS_SLUG

        slugs.append(NEWS_SLUG)
        plan = {
            "password": PASSWORD,
            "jurors": jurors,
            "criteria": [{"id": c.id, "max": c.max_score} for c in criteria],
            "posts": slugs,
            "news_pages": -(-(len(slugs)) // 10),
            "visitors": VISITORS,
        }
        db.session.remove()
        db.engine.dispose()
    return plan


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, instance: Path, port: int, workers: int, threads: int):
    factory = f"app:create_app({_config(url, instance)!r})"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            # Longer than any user's pause, so that a kept-alive connection is
            # never closed by the server just as the client reuses it.
            "--keep-alive",
            "30",
            "--timeout",
            "120",
            # The app is built once and forked: the workers are ready at once.
            "--preload",
            "--log-level",
            "warning",
            factory,
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not answer within 60 s")


def warm_up(port: int, plan: dict) -> None:
    """A few requests per worker before the clock starts (connections, caches)."""
    for _ in range(3):
        for path in ("/", "/news/", f"/news/{plan['posts'][0]}", "/account/login"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
                r.read()


def stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def run_locust(port: int, duration: int, plan_path: Path, acks_path: Path, csv_prefix: Path):
    env = {
        **os.environ,
        "LAUREL_LOAD_PLAN": str(plan_path),
        "LAUREL_LOAD_ACKS": str(acks_path),
    }
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(ROOT / "bench" / "load_locust.py"),
        "--headless",
        "--users",
        str(JURORS + VISITORS),
        # People arrive over 25 seconds, not all in the same instant.
        "--spawn-rate",
        "10",
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "10",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    # Locust exits 1 when any request failed; the failures are counted below.
    subprocess.run(command, env=env, cwd=ROOT, timeout=duration + 120, check=False)


def read_stats(csv_prefix: Path) -> tuple[float, int, list[dict]]:
    with open(f"{csv_prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    errors = int(total["Failure Count"])
    exceptions = Path(f"{csv_prefix}_exceptions.csv")
    if exceptions.exists():
        with open(exceptions, newline="") as fh:
            errors += sum(int(r.get("Count") or 0) for r in csv.DictReader(fh))
    return float(total["95%"]), errors, rows


def lost_scores(url: str, instance: Path, acks: dict) -> tuple[int, int]:
    """(scores sent and acknowledged, of those not in the database as last sent).
    A save still in flight when the run stopped may have been stored: its
    values count as stored too."""
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.jury.models import Score, ScoreSheet

    app = create_app(_config(url, instance))
    with app.app_context():
        rows = db.session.execute(
            sa.select(ScoreSheet.assignment_id, Score.criterion_id, Score.value).join(
                Score, Score.sheet_id == ScoreSheet.id
            )
        ).all()
        db.session.remove()
        db.engine.dispose()
    stored = {(str(a), str(c)): v for a, c, v in rows}
    sent = lost = 0
    for assignment, record in acks.items():
        for criterion, value in record["acked"].items():
            sent += 1
            now = stored.get((assignment, criterion))
            pending = record.get("pending", {}).get(criterion)
            if now is None or (
                float(now) != float(value) and (pending is None or float(now) != float(pending))
            ):
                lost += 1
    return sent, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "postgres", nargs="?", default=os.environ.get("BENCH_POSTGRES", DEFAULT_POSTGRES)
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="laurel-load-") as tmp,
        fresh_postgres(args.postgres, "laurel_bench_load") as url,
    ):
        instance = Path(tmp)
        started = time.monotonic()
        plan = build(url, instance)
        print(
            f"built: {JURORS} jurors x {ENTRIES_PER_JUROR} entries x {len(plan['criteria'])} "
            f"criteria, {len(plan['posts'])} posts ({time.monotonic() - started:.1f} s)",
            flush=True,
        )
        plan_path, acks_path = instance / "plan.json", instance / "acks.json"
        plan_path.write_text(json.dumps(plan))
        port = free_port()
        server = start_gunicorn(url, instance, port, args.workers, args.threads)
        try:
            warm_up(port, plan)
            run_locust(port, args.duration, plan_path, acks_path, instance / "locust")
        finally:
            stop(server)
        p95, errors, rows = read_stats(instance / "locust")
        acks = json.loads(acks_path.read_text()) if acks_path.exists() else {}
        sent, lost = lost_scores(url, instance, acks)
        print(f"{'request':40} {'count':>7} {'fail':>5} {'median':>7} {'p95':>6} {'rps':>6}")
        for row in rows:
            print(
                f"{row['Type'] + ' ' + row['Name']:40.40} {row['Request Count']:>7} "
                f"{row['Failure Count']:>5} {row['50%']:>7} {row['95%']:>6} "
                f"{float(row['Requests/s']):6.1f}"
            )
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads; "
            f"{JURORS} jurors + {VISITORS} visitors for {args.duration} s; "
            f"scores acknowledged: {sent}",
            flush=True,
        )
    print(f"p95_ms={p95:.0f}")
    print(f"errors={errors}")
    print(f"lost_scores={lost}")


if __name__ == "__main__":
    main()
