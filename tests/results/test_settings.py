"""An edition's results settings: defaults, the checks in the service and in
the database, and copying them with the edition."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.editions import services
from app.editions.models import DEFAULT_TIE_RULE, QualificationMode, ScoreMode
from app.errors import LaurelError


def test_defaults(make):
    edition = make.edition()
    assert edition.score_mode is ScoreMode.normalised
    assert (edition.stage1_weight, edition.stage2_weight) == (40.0, 60.0)
    assert edition.tie_rule == DEFAULT_TIE_RULE == "stage2,checklist,stage1"
    assert edition.qualification_mode is QualificationMode.top_k
    assert edition.qualification_value == 10


@pytest.mark.parametrize(
    "data, message",
    [
        ({"stage1_weight": 50, "stage2_weight": 60}, "sumują się do 100"),
        ({"stage1_weight": -10, "stage2_weight": 110}, "sumują się do 100"),
        ({"tie_rule": "stage2,coin"}, "remisów"),
        ({"tie_rule": "stage2,stage2"}, "remisów"),
        ({"tie_rule": ""}, "remisów"),
        ({"qualification_mode": QualificationMode.top_k, "qualification_value": 2.5}, "całkowitą"),
        ({"qualification_mode": QualificationMode.top_k, "qualification_value": 0}, "całkowitą"),
        (
            {"qualification_mode": QualificationMode.threshold, "qualification_value": 101},
            "od 0 do 100",
        ),
    ],
)
def test_service_refuses_bad_settings(make, data, message):
    organizer = make.organizer()
    edition = make.edition()
    with pytest.raises(LaurelError, match=message):
        services.update_edition(edition, actor=organizer, data=data)


def test_service_accepts_good_settings_and_copy_keeps_them(make):
    organizer = make.organizer()
    edition = make.edition()
    services.update_edition(
        edition,
        actor=organizer,
        data={
            "score_mode": ScoreMode.raw,
            "stage1_weight": 30,
            "stage2_weight": 70,
            "tie_rule": "checklist, stage1",
            "qualification_mode": QualificationMode.threshold,
            "qualification_value": 62.5,
        },
    )
    copy = services.copy_edition(edition, actor=organizer, name="Kopia", slug="kopia", year=2027)
    assert copy.score_mode is ScoreMode.raw
    assert (copy.stage1_weight, copy.stage2_weight) == (30, 70)
    assert copy.tie_rule == "checklist, stage1"
    assert copy.qualification_mode is QualificationMode.threshold
    assert copy.qualification_value == 62.5


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE edition SET stage1_weight = 50",  # 50 + 60
        "UPDATE edition SET stage1_weight = 110, stage2_weight = -10",
        "UPDATE edition SET qualification_value = 2.5",  # top_k
        "UPDATE edition SET qualification_mode = 'threshold', qualification_value = 101",
        "UPDATE edition SET score_mode = 'median'",
    ],
)
def test_database_refuses_bad_settings(db, make, sql):
    make.edition()
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text(sql))
        db.session.flush()
    db.session.rollback()
