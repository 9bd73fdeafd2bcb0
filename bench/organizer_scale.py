"""How the organizer's pages and bulk operations hold up at national scale.

A national edition brings about 3,000 applicant offices and 50 jurors. This
builds that in a fresh database, then measures:
  - importing 3,000 offices from a CSV file (check + insert),
  - automatic assignment of 3 jurors to each of 3,000 applications,
  - the organizer's pages (time per request, median of 5, and SQL queries);
  - with --throughput: the same pages served by gunicorn (2 sync workers)
    under `wrk` (10 connections, 10 s each), beside a bare Flask page that
    lists 50 offices from the same database with one query, in the same run
    (target: each organizer page at least a third of the bare page's
    requests per second). Needs the `bench` extra (gunicorn) and wrk
    (`apt-get install wrk`; `make bench-organizer` installs both).

    python bench/organizer_scale.py                      # SQLite in a temp folder
    python bench/organizer_scale.py --throughput         # and requests/s under gunicorn
    python bench/organizer_scale.py postgresql://postgres@127.0.0.1:5432/test
      (a PostgreSQL run creates and drops its own database next to the one named)

Not a test: it prints numbers for the README, it asserts nothing. With
--throughput its last line is machine-readable:
    throughput bare_rps=<x> <page>_rps=<y> ... min_ratio=<lowest page / bare>
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fresh_db import fresh_postgres  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Role, User  # noqa: E402
from app.editions.models import Category, Edition, EditionStatus  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jury.models import JuryMembership, MembershipStatus  # noqa: E402
from app.jury.services import auto_assign  # noqa: E402
from app.offices.admin.importing import read_offices  # noqa: E402
from app.offices.admin.services import existing_numbers, import_offices  # noqa: E402
from app.offices.models import Application, ApplicationStatus, Office  # noqa: E402
from app.offices.validators import complete_nip, complete_regon  # noqa: E402
from app.timeutil import utcnow  # noqa: E402

OFFICES = 3000
JURORS = 50
PASSWORD = "benchmark-password"
SECRET = "bench"
BARE_TEMPLATE = (
    "<!doctype html><title>Offices</title><table>"
    "{% for id, name in rows %}<tr><td>{{ id }}</td><td>{{ name }}</td></tr>{% endfor %}"
    "</table>"
)


def _config(url: str, instance: Path) -> dict:
    return {
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": SECRET,
    }


def serve_app():
    """The app gunicorn serves for --throughput (the database and instance
    folder come in the environment): Laurel plus the bare page."""
    from flask import render_template_string

    app = create_app(_config(os.environ["BENCH_DATABASE_URL"], Path(os.environ["BENCH_INSTANCE"])))

    def bare():
        rows = db.session.execute(
            sa.select(Office.id, Office.name).order_by(Office.name).limit(50)
        ).all()
        return render_template_string(BARE_TEMPLATE, rows=rows)

    app.add_url_rule("/bench/bare", "bench_bare", bare)
    return app


def csv_file(n: int) -> bytes:
    lines = ["nazwa,typ,województwo,miejscowość,adres,regon,nip,email"]
    k = 0
    for i in range(n):
        while True:
            k += 1
            nip = complete_nip(f"{200000000 + k:09d}")
            if nip:
                break
        regon = complete_regon(f"{30000000 + i:08d}")
        lines.append(
            f"Urząd Gminy Testowo {i},gmina,mazowieckie,Testowo {i},ul. Główna {i},"
            f"{regon},{nip},urzad{i}@example.org"
        )
    return ("\n".join(lines) + "\n").encode()


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *args):
        self.count += 1


def run(url: str, instance: Path, *, throughput: bool = False) -> None:
    app = create_app(_config(url, instance))
    with app.app_context():
        db.create_all()
        organizer = User(email="boss@example.org", full_name="Boss", role=Role.organizer)
        organizer.set_password(PASSWORD)
        db.session.add(organizer)
        edition = Edition(name="Bench", slug="bench", year=2026, status=EditionStatus.stage1)
        edition.categories.append(Category(name="Gminy"))
        db.session.add(edition)
        db.session.commit()

        data = csv_file(OFFICES)

        def do_import():
            regons, nips = existing_numbers()
            result = read_offices(data, "offices.csv", existing_regons=regons, existing_nips=nips)
            count = import_offices(
                result, actor=organizer, filename="offices.csv", valid_only=False
            )
            db.session.commit()
            return count

        imported, import_seconds = timed(do_import)

        office_ids = db.session.scalars(sa.select(Office.id)).all()
        now = utcnow()
        db.session.execute(
            sa.insert(Application),
            [
                {
                    "edition_id": edition.id,
                    "category_id": edition.categories[0].id,
                    "office_id": office_id,
                    "status": ApplicationStatus.submitted,
                    "submitted_at": now,
                    "reopen_reason": "",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for office_id in office_ids
            ],
        )
        for j in range(JURORS):
            juror = User(email=f"juror{j}@example.org", full_name=f"Juror {j}", role=Role.juror)
            db.session.add(juror)
            db.session.add(
                JuryMembership(edition=edition, user=juror, status=MembershipStatus.accepted)
            )
        db.session.commit()

        report, assign_seconds = timed(
            lambda: auto_assign(edition, stage=1, per_application=3, actor=organizer)
        )
        db.session.commit()

        print(f"database: {db.engine.dialect.name}")
        print(f"import {imported} offices from CSV: {import_seconds:.2f} s")
        print(
            f"auto-assign 3 of {JURORS} jurors to {len(office_ids)} applications "
            f"({report.added} assignments): {assign_seconds:.2f} s"
        )

        if db.engine.dialect.name == "postgresql":
            # Steady state: autovacuum would have analysed the fresh tables by now.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        engine = db.engine
        edition_id = edition.id
        db.session.remove()

    # Outside the setup's app context: each request gets its own session, as in production.
    counter = QueryCounter(engine)
    client = app.test_client()
    client.post("/account/login", data={"email": "boss@example.org", "password": PASSWORD})
    pages = [
        ("offices, page 1", "/organizer/offices/"),
        ("offices, search", "/organizer/offices/?q=Testowo+2999"),
        ("applications, page 1", f"/organizer/editions/{edition_id}/applications"),
        ("applications, page 40", f"/organizer/editions/{edition_id}/applications?page=40"),
        ("edition dashboard", f"/organizer/editions/{edition_id}/"),
        ("assignments, stage 1", f"/organizer/editions/{edition_id}/assignments?stage=1"),
        ("jurors", f"/organizer/editions/{edition_id}/jurors"),
        ("phases (checks every sheet)", f"/organizer/editions/{edition_id}/phases"),
    ]
    print(f"{'page':32} {'median ms':>10} {'queries':>8}")
    for name, path in pages:
        times = []
        for _ in range(5):
            before = counter.count
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            queries = counter.count - before
            assert response.status_code == 200, (path, response.status_code)
        print(f"{name:32} {statistics.median(times) * 1000:10.0f} {queries:8d}")
    cookie = client.get_cookie("session").value
    engine.dispose()
    if throughput:
        measure_throughput(url, instance, cookie, edition_id)


THROUGHPUT_PAGES = [
    ("offices", "/organizer/offices/"),
    ("applications", "/organizer/editions/{edition}/applications"),
    ("dashboard", "/organizer/editions/{edition}/"),
    ("assignments", "/organizer/editions/{edition}/assignments?stage=1"),
    ("jurors", "/organizer/editions/{edition}/jurors"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wrk(url: str, cookie: str, seconds: int = 10) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c10", f"-d{seconds}s", "-H", f"Cookie: session={cookie}", url],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"wrk failed on {url}: {out.stderr or out.stdout}")
    out = out.stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses under load")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def measure_throughput(url: str, instance: Path, cookie: str, edition_id: int) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("--throughput needs wrk: apt-get install wrk (make bench-organizer does)")
    port = _free_port()
    bench_dir = Path(__file__).resolve().parent
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(bench_dir),
            "--log-level",
            "warning",
            "organizer_scale:serve_app()",
        ],
        env={
            **os.environ,
            "PYTHONPATH": str(bench_dir.parent),
            "BENCH_DATABASE_URL": url,
            "BENCH_INSTANCE": str(instance),
        },
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            try:
                urllib.request.urlopen(base + "/bench/bare", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not answer within 2 minutes") from None
                time.sleep(0.3)
        for _name, path in THROUGHPUT_PAGES:
            # Signed in and answered (a redirect to the login page would be fast and wrong).
            url_ = base + path.format(edition=edition_id)
            request = urllib.request.Request(url_, headers={"Cookie": f"session={cookie}"})
            with urllib.request.urlopen(request, timeout=60) as response:
                if response.status != 200 or response.geturl() != url_:
                    raise SystemExit(f"{url_}: not served to the signed-in organizer")
        rps = {"bare": _wrk(base + "/bench/bare", cookie)}
        for name, path in THROUGHPUT_PAGES:
            rps[name] = _wrk(base + path.format(edition=edition_id), cookie)
        # The bare page again at the end: the machine's load moves during a run.
        rps["bare"] = max(rps["bare"], _wrk(base + "/bench/bare", cookie))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"{'page under gunicorn (2 workers), wrk -c10':44} {'req/s':>8} {'x bare':>7}")
    for name, value in rps.items():
        print(f"{name:44} {value:8.1f} {value / rps['bare']:7.2f}")
    ratio = min(value for name, value in rps.items() if name != "bare") / rps["bare"]
    print(
        "throughput "
        + " ".join(f"{name}_rps={value:.1f}" for name, value in rps.items())
        + f" min_ratio={ratio:.2f}"
    )


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    throughput = "--throughput" in sys.argv[1:]
    url = args[0] if args else ""
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        if not url.startswith("postgres"):
            run(f"sqlite:///{instance / 'bench.db'}", instance, throughput=throughput)
            return
        with fresh_postgres(url) as fresh:
            run(fresh, instance, throughput=throughput)


if __name__ == "__main__":
    main()
