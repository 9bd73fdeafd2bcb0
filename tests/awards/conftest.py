"""A chapter to deliberate: an edition whose stage 2 has closed, with its
ranking snapshot taken."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.awards.models import SpecialAward
from app.editions import phases
from app.editions.models import EditionStatus, ScoreMode
from app.offices.models import ApplicationStatus
from app.timeutil import utcnow

# Office name -> its score in both stages (one 0..100 criterion per stage, one
# juror, raw scores): the final score is the same number, so the ranking is
# Alfa 1, Beta 2, Gamma 3, Delta 4.
SCORES = {"Urząd Alfa": 90, "Urząd Beta": 80, "Urząd Gamma": 70, "Urząd Delta": 60}


@pytest.fixture
def make_chapter(make, db):
    def build(
        scores=None, *, unranked=(), categories=1, specials=("Urząd innowacyjny",), blind=False
    ):
        """`scores` per office; `unranked` offices have a stage-1 sheet only
        (no final score). Every entry is in the first category; any further
        category stays empty. `blind`: a blinded chapter (its entries get their
        codes when stage 2 closes)."""
        edition = make.edition(
            status=EditionStatus.stage2, areas=0, categories=categories, blind_chapter=blind
        )
        edition.score_mode = ScoreMode.raw
        area = make.area(edition=edition, name="Obsługa klienta")
        c1 = make.criterion(area=area, stage=1, max_score=100, name="Karta usług")
        c2 = make.criterion(area=area, stage=2, max_score=100, name="Wizyta kontrolna")
        juror = make.juror(edition=edition, full_name="Jan Sędzia")
        juror.jury_memberships[0].conflicts_confirmed_at = utcnow()
        entries = {}
        for name, value in (scores or SCORES).items():
            entry = make.application(
                edition=edition, office=make.office(name=name), status=ApplicationStatus.qualified
            )
            s1 = make.sheet(application=entry, juror=juror, stage=1, values={c1: value})
            s1.scores[0].strengths = f"Mocna strona {name}"
            s1.scores[0].improvements = f"Do poprawy {name}"
            make.sheet(application=entry, juror=juror, stage=2, values={c2: value})
            entries[name] = entry
        for name in unranked:
            entry = make.application(
                edition=edition,
                office=make.office(name=name),
                status=ApplicationStatus.not_qualified,
            )
            make.sheet(application=entry, juror=juror, stage=1, values={c1: 50})
            entries[name] = entry
        special_awards = []
        for i, special in enumerate(specials):
            award = SpecialAward(edition_id=edition.id, name=special, position=i)
            db.session.add(award)
            special_awards.append(award)
        organizer = make.organizer(full_name="Anna Organizatorska")
        db.session.flush()
        phases.advance_phase(
            edition, actor=organizer, expected=EditionStatus.stage2, confirm_missing=True
        )
        db.session.commit()
        return SimpleNamespace(
            edition=edition,
            category=edition.categories[0],
            entries=entries,
            organizer=organizer,
            juror=juror,
            criteria=(c1, c2),
            specials=special_awards,
        )

    return build


@pytest.fixture
def chapter(make_chapter):
    return make_chapter()
