"""How the organizer's pages and bulk operations hold up at national scale.

A national edition brings about 3,000 applicant offices and 50 jurors. This
builds that in a fresh database, then measures:
  - importing 3,000 offices from a CSV file (check + insert),
  - automatic assignment of 3 jurors to each of 3,000 applications,
  - the organizer's pages (time per request, median of 5, and SQL queries).

    python bench/organizer_scale.py                      # SQLite in a temp folder
    python bench/organizer_scale.py postgresql://postgres@127.0.0.1:5432/test
      (a PostgreSQL run creates and drops its own database next to the one named)

Not a test: it prints numbers for the README, it asserts nothing.
"""

from __future__ import annotations

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


def run(url: str, instance: Path) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
        }
    )
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
    for name, url in pages:
        times = []
        for _ in range(5):
            before = counter.count
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            queries = counter.count - before
            assert response.status_code == 200, (url, response.status_code)
        print(f"{name:32} {statistics.median(times) * 1000:10.0f} {queries:8d}")
    engine.dispose()


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
