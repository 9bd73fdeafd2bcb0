"""The sheet score rule (rule 1 in app/results/numbers.py) written once for
SQL, for the queries that must aggregate in the database: the ranking's sheet
sums (app/results/ranking.py) and the office's per-area feedback
(app/jury/feedback.py).

A score counts when it has a value (only a draft can lack one); its points are
value x weight and its attainable points max x weight. `percent` is the SQL
twin of numbers.sheet_score: 100 x points / attainable, NULL where nothing was
attainable (tests/results/test_score_sql.py checks the two agree)."""

from __future__ import annotations

import sqlalchemy as sa

from app.editions.models import Criterion
from app.jury.models import Score

# The condition for a score to count in the sums below.
SCORED = Score.value.is_not(None)


def points():
    """Σ weight·value over the grouped scores (join Criterion on the score)."""
    return sa.func.sum(Score.value * Criterion.weight)


def attainable():
    """Σ weight·max over the grouped scores (the score carries its criterion's max)."""
    return sa.func.sum(Score.max_score * Criterion.weight)


def percent(points_expr, attainable_expr):
    """100 · points / attainable; NULL when nothing was attainable."""
    return (
        100.0
        * sa.cast(points_expr, sa.Float)
        / sa.func.nullif(sa.cast(attainable_expr, sa.Float), 0)
    )
