"""How fast diplomas are made, through the app's own service.

Builds, in a throwaway SQLite database, an edition in the chapter's
deliberation with 100 laureates (four categories, two signatures on the
design), then times:

  - one warm render, `render_diploma(diploma)`: the Jinja template, the QR
    code and WeasyPrint (median of 15, after 3 warm-up renders), beside bare
    WeasyPrint rendering the same HTML and stylesheet alone (fresh objects
    each time, as a script calling WeasyPrint would);
  - 100 diplomas one by one: `generate_diploma` for each (render, store,
    hash, put in force, audit) and a commit;
  - 100 diplomas as one batch job: the job the organizer's button queues,
    regenerating all 100 (rendering in a process pool, one process per core);
    the first batch of a process also starts the pool's fork server (a second
    or two); later ones find it running, as in a job worker.

The machine's load moves a lot (other work shares its two cores), so the
serial runs and the batches take turns, three of each, and the medians are
reported.

Targets on 2 cores: one render within 1.3x of bare WeasyPrint; the batch at
least 1.7x faster than one by one; 3,000 diplomas (extrapolated from the
batch) in under 3 minutes.

    python bench/diplomas.py

Not a test: it asserts nothing. The last three lines are exactly
    one_s=<seconds>
    serial_100_s=<seconds>
    batch_100_s=<seconds>
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.accounts.models import Role, User  # noqa: E402
from app.awards import diploma_batch, diplomas  # noqa: E402
from app.awards.diploma_models import DiplomaDesign  # noqa: E402
from app.awards.models import Award, AwardKind  # noqa: E402
from app.editions.models import Category, Edition, EditionStatus  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jobs_models import JobRun  # noqa: E402
from app.offices.models import Application, ApplicationStatus, Office, OfficeType, Voivodeship  # noqa: E402
from app.pdf import render  # noqa: E402

COUNT = 100
WARM = 3
RUNS = 15
ROUNDS = 3


def build() -> tuple[Edition, User]:
    organizer = User(
        email="org@bench.example", full_name="Anna Organizatorska", role=Role.organizer
    )
    edition = Edition(
        name="Przyjazny Urząd — edycja 2025",
        slug="bench-2025",
        year=2025,
        status=EditionStatus.chapter,
        organizer_name="Fundacja Jakości Usług Publicznych",
        gala_date=dt.date(2025, 12, 12),
        gala_place="Zamek Królewski w Warszawie",
    )
    db.session.add_all([organizer, edition])
    db.session.flush()
    categories = [
        Category(edition=edition, name=name, allowed_office_types=[])
        for name in ("Urzędy marszałkowskie", "Starostwa powiatowe", "Urzędy miast", "Urzędy gmin")
    ]
    db.session.add_all(categories)
    db.session.add(
        DiplomaDesign(
            edition=edition,
            template_laureate="laureate",
            template_distinction="distinction",
            participation=False,
            certificate_valid_years=2,
            signer1_name="Prof. Bożena Żółtowska-Wiśniewska",
            signer1_role="Przewodnicząca Kapituły Konkursu",
            signer2_name="Grzegorz Łukasiewicz",
            signer2_role="Prezes Zarządu Fundacji",
        )
    )
    db.session.flush()
    for i in range(COUNT):
        office = Office(
            name=f"Urząd Gminy Źródła Żółkiewskie nr {i + 1}",
            office_type=OfficeType.municipal,
            voivodeship=Voivodeship.lubelskie,
            city="Żółkiewka",
        )
        application = Application(
            edition=edition,
            office=office,
            category=categories[i % 4],
            status=ApplicationStatus.qualified,
            submitted_at=dt.datetime(2025, 5, 1),
        )
        db.session.add_all([office, application])
        db.session.flush()
        db.session.add(
            Award(
                edition_id=edition.id,
                category_id=application.category_id,
                application_id=application.id,
                kind=AwardKind.laureate,
                justification="Za wzorową obsługę mieszkańców, e-usługi dostępne dla każdego "
                "i jasną kartę usług — zażółć gęślą jaźń.",
            )
        )
    db.session.commit()
    return edition, organizer


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bare_weasyprint(job: render.Job) -> bytes:
    """WeasyPrint alone on the same HTML and stylesheet: new objects each time."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(string=job.stylesheet, base_url=job.base_url, font_config=fonts)
    return HTML(string=job.html, base_url=job.base_url).write_pdf(
        stylesheets=[css], font_config=fonts
    )


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def parallel_ceiling(processes: int) -> float:
    """How much faster `processes` processes do plain CPU work than one, right
    now: on a shared machine other work takes cores, and no batch can beat this."""
    from concurrent.futures import ProcessPoolExecutor

    work = [2_000_000] * (4 * processes)
    one = timed(lambda: [_burn(n) for n in work])
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_burn, [10] * processes))
        many = timed(lambda: list(pool.map(_burn, work)))
    return one / many


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="laurel-bench-diplomas-"))
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "SECRET_KEY": "bench",
            "JOBS_IMMEDIATE": True,  # the batch job runs here, as the worker would run it
            "SERVER_NAME": "laurel.example",
            "PREFERRED_URL_SCHEME": "https",
        }
    )
    cores = render.default_processes()
    print(f"cores={cores} load={os.getloadavg()[0]:.2f}")
    with app.app_context():
        db.create_all()
        edition, organizer = build()
        design = diplomas.design_of(edition)
        subjects = diplomas.subjects(edition, design)
        with app.test_request_context("/"):
            # One warm render through the service, and bare WeasyPrint on its HTML.
            sample = diplomas.prepare(
                subjects[0], design, actor=organizer, version=1, today=dt.date(2025, 12, 1)
            )
            for _ in range(WARM):
                diplomas.render_diploma(sample, design)
                bare_weasyprint(diplomas.pdf_job(sample, design))
            job = diplomas.pdf_job(sample, design)
            one, bare = [], []
            for _ in range(RUNS):  # taking turns, so the load of the machine hits both alike
                one.append(timed(lambda: diplomas.render_diploma(sample, design)))
                bare.append(timed(lambda: bare_weasyprint(job)))
            one_s, bare_s = statistics.median(one), statistics.median(bare)
            print(f"bare_weasyprint_s={bare_s:.4f}")
            print(f"one_vs_bare={one_s / bare_s:.2f}x (target <= 1.3x)")

            # 100 one by one, each made, stored and committed.
            def serial():
                for subject in subjects:
                    diplomas.generate_diploma(subject, actor=organizer)
                    db.session.commit()

        # 100 as one batch job (regenerating them all), as the organizer's
        # button queues it. The first batch of a process also starts the
        # rendering pool's fork server; a job worker keeps it for later ones.
        def batch():
            run = diploma_batch.start_batch(
                edition, actor=organizer, regenerate=True, root_url="https://laurel.example/"
            )
            db.session.commit()
            diploma_batch.queue(run)
            db.session.expire_all()
            done = db.session.get(JobRun, run.id)
            assert done.done == COUNT, (done.status, done.error)

        def serial_in_request():
            with app.test_request_context("/"):
                serial()

        # The machine's load moves a lot: serial runs and batches take turns,
        # and each figure is the median of ROUNDS.
        first_batch_s = timed(batch)
        serial_runs, batch_runs = [], []
        for _ in range(ROUNDS):
            serial_runs.append(timed(serial_in_request))
            batch_runs.append(timed(batch))
        serial_s, batch_s = statistics.median(serial_runs), statistics.median(batch_runs)
        print(f"serial_runs={' '.join(f'{x:.2f}' for x in serial_runs)}")
        print(f"batch_runs={' '.join(f'{x:.2f}' for x in batch_runs)}")
        print(f"first_batch_100_s={first_batch_s:.2f} (includes starting the fork server)")
        print(f"batch_speedup={serial_s / batch_s:.2f}x (target >= 1.7x)")
        print(f"cpu_parallel_ceiling={parallel_ceiling(cores):.2f}x (plain CPU work, now)")
        startup_s = max(0.0, first_batch_s - batch_s)
        print(
            f"extrapolated_3000_s={startup_s + batch_s * 3000 / COUNT:.0f} "
            f"(target < 180: the fork server's start once, then 30 batches' worth)"
        )
        print(f"one_s={one_s:.4f}")
        print(f"serial_100_s={serial_s:.2f}")
        print(f"batch_100_s={batch_s:.2f}")


if __name__ == "__main__":
    main()
