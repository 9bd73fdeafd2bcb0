"""Numbers an attacker types into the organizer's forms (issue 16, item 6):
nan, infinity and numbers past any column come back as form errors, never
as a server error (they used to: a nan weight broke its comparison, a huge
integer overflowed PostgreSQL's INTEGER)."""

from __future__ import annotations

import pytest

from app.editions.models import Criterion, Edition, EditionStatus, Question
from tests.editions.test_views import PREFIX, criterion_form, edition_form

HUGE = "99999999999999999999"
NOT_NUMBERS = ["nan", "NaN", "sNaN", "inf", "-Infinity", "1e30", HUGE, "-" + HUGE]


@pytest.fixture
def edition(make, db):
    edition = make.edition(status=EditionStatus.draft)
    db.session.commit()
    return edition


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_criterion_weight(client, organizer, edition, db, value):
    area = edition.areas[0]
    response = client.post(
        f"{PREFIX}/{edition.id}/criteria/new", data=criterion_form(area, weight=value)
    )
    assert response.status_code == 200
    assert 'class="error"' in response.text
    assert db.session.query(Criterion).count() == 2


@pytest.mark.parametrize("field", ["max_score", "position"])
def test_criterion_integers(client, organizer, edition, db, field):
    area = edition.areas[0]
    response = client.post(
        f"{PREFIX}/{edition.id}/criteria/new", data=criterion_form(area, **{field: HUGE})
    )
    assert response.status_code == 200 and 'class="error"' in response.text


@pytest.mark.parametrize("field", ["min_value", "max_value", "max_length", "position"])
def test_question_integers(client, organizer, edition, db, field):
    area = edition.areas[0]
    data = {"area_id": str(area.id), "kind": "number", "prompt": "Ilu?", "position": "1"}
    data[field] = HUGE
    response = client.post(f"{PREFIX}/{edition.id}/questions/new", data=data)
    assert response.status_code == 200 and 'class="error"' in response.text
    assert db.session.query(Question).count() == 1


@pytest.mark.parametrize(
    "field",
    ["stage1_weight", "stage2_weight", "qualification_value", "year", "jurors_per_application"],
)
@pytest.mark.parametrize("value", ["nan", "inf", "1e30", HUGE, "123456789"])
def test_edition_settings(client, organizer, edition, db, field, value):
    response = client.post(
        f"{PREFIX}/{edition.id}/settings", data=edition_form(slug=edition.slug, **{field: value})
    )
    assert response.status_code == 200
    assert 'class="error"' in response.text
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).stage1_weight == 40.0
