"""Fixtures for the public site: posts, photos with EXIF, a query counter."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from PIL import Image

from app.awards import chapter
from app.awards.models import AwardKind, SpecialAward
from app.editions import phases
from app.editions.models import EditionStatus, ScoreMode
from app.offices.models import ApplicationStatus
from app.public import services
from app.public.models import NewsPost, PostStatus
from app.timeutil import utcnow

GPS_TAG = 0x8825  # the EXIF GPS IFD pointer


def jpeg_with_exif(size=(1600, 1200), colour=(30, 120, 200)) -> bytes:
    """A JPEG carrying a camera model and a GPS position in its EXIF."""
    img = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x0110] = "Laurel Test Camera"  # Model
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (52.0, 23.0, 0.0), 3: "E", 4: (21.0, 0.0, 0.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name: str = "zdjecie.jpg"):
    """What a form's file field hands to a service."""
    return SimpleNamespace(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def organizer(make):
    return make.organizer(full_name="Olga Organizatorka")


@pytest.fixture
def make_post(db, organizer):
    """make_post(title=..., published=True|False, at=..., photos=0, edition=None)."""

    def build(
        title="Gala w Jabłonnie",
        *,
        published=True,
        at=None,
        photos=0,
        edition=None,
        lead="Wstęp do wpisu.",
        body="<p>Treść wpisu.</p>",
        byline="Anna Kowalska",
    ):
        post = services.create_post(
            actor=organizer,
            data=services.PostData(
                title=title,
                lead=lead,
                body=body,
                byline=byline,
                edition_id=edition.id if edition else None,
                published_at=at,
            ),
        )
        for n in range(photos):
            services.add_photo(
                post,
                actor=organizer,
                upload=upload(jpeg_with_exif(colour=(10 * n, 100, 150))),
                alt_text=f"Zdjęcie {n + 1} z gali",
                caption=f"Podpis {n + 1}",
                credit="Jan Fotograf",
            )
        if published:
            if post.published_at is None:
                post.published_at = utcnow() - dt.timedelta(minutes=5)
            services.publish_post(post, actor=organizer)
        db.session.commit()
        return post

    return build


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement, *args):
        self.statements.append(statement)

    def __len__(self):
        return len(self.statements)


@pytest.fixture
def queries(db):
    return lambda: QueryCounter(db.engine)


def published(db):
    return db.session.scalars(
        sa.select(NewsPost).where(NewsPost.status == PostStatus.published)
    ).all()


# Office name -> its score in both stages (one 0..100 criterion per stage, one
# juror, raw scores): the ranking is Alfa 1, Beta 2, Gamma 3.
RESULTS_SCORES = {"Urząd Alfa": 90, "Urząd Beta": 80, "Urząd Gamma": 70}


@pytest.fixture
def make_results(db, make, organizer):
    """make_results(publish=True, categories=2, offices=RESULTS_SCORES): an
    edition whose chapter decided through the real services: in the first
    category Alfa laureate, Beta distinguished; further categories withheld;
    the special award "Innowacyjny urząd" to Gamma. Published unless
    `publish` is False (the chapter still deliberating)."""

    def build(*, publish=True, categories=2, offices=None, name=None, year=2025):
        offices = offices or RESULTS_SCORES
        kw = {"name": name} if name else {}
        edition = make.edition(
            status=EditionStatus.stage2, areas=0, categories=categories, year=year, **kw
        )
        edition.score_mode = ScoreMode.raw
        edition.gala_date = dt.date(year, 6, 17)
        edition.gala_place = "Pałac PAN w Jabłonnie"
        area = make.area(edition=edition, name="Obsługa klienta")
        c1 = make.criterion(area=area, stage=1, max_score=100, name="Karta usług")
        c2 = make.criterion(area=area, stage=2, max_score=100, name="Wizyta kontrolna")
        juror = make.juror(edition=edition, full_name="Jan Sędzia")
        entries = {}
        for office_name, value in offices.items():
            entry = make.application(
                edition=edition,
                office=make.office(name=f"{office_name} {edition.id}", city="Warszawa"),
                status=ApplicationStatus.qualified,
            )
            make.sheet(application=entry, juror=juror, stage=1, values={c1: value})
            make.sheet(application=entry, juror=juror, stage=2, values={c2: value})
            entries[office_name] = entry
        special = SpecialAward(
            edition_id=edition.id, name="Innowacyjny urząd", description="Statuetka"
        )
        db.session.add(special)
        db.session.flush()
        phases.advance_phase(edition, actor=organizer, expected=EditionStatus.stage2)
        names = list(offices)
        awards = {
            "laureate": chapter.record_category_award(
                edition,
                entries[names[0]],
                actor=organizer,
                kind=AwardKind.laureate,
                justification="Wzorowa karta usług",
            ),
            "distinction": chapter.record_category_award(
                edition,
                entries[names[1]],
                actor=organizer,
                kind=AwardKind.distinction,
                justification="Dostępność dla wszystkich",
            ),
            "special": chapter.record_special_award(
                edition,
                entries[names[-1]],
                special,
                actor=organizer,
                justification="E-usługi bez wychodzenia z domu",
            ),
        }
        for category in edition.categories[1:]:
            chapter.withhold_category(edition, category, actor=organizer, reason="Brak zgłoszeń")
        if publish:
            phases.advance_phase(edition, actor=organizer, expected=EditionStatus.chapter)
        db.session.commit()
        return SimpleNamespace(edition=edition, entries=entries, awards=awards, special=special)

    return build
