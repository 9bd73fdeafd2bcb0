"""What an office reads back from its jurors' scores: its result per area and
stage against its category. Scoring reads live in the jury area; the office
portal only shows them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.editions.models import Area, Criterion
from app.extensions import db
from app.jury.models import Assignment, Score, ScoreSheet, SheetStatus
from app.offices.models import Application, ApplicationStatus
from app.results import score_sql


@dataclass
class AreaFeedback:
    area_id: int
    area_name: str
    stage: int
    own: float | None
    category_average: float | None
    offices_scored: int


def feedback_scores(application: Application) -> list[AreaFeedback]:
    """Per area and stage: this application's result as a percentage of the
    attainable points, and the category's average.

    The ranking's rules, applied to one area's criteria at a time: a sheet's
    result in an area is 100 x sum(score x weight) / sum(maximum score x
    weight) over its scores in that area (rule 1, app/results/score_sql.py,
    which the ranking's own query uses); an application's result is the mean
    over its jurors' submitted or locked sheets (rule 3; drafts do not count).
    Dividing by the maxima makes criteria scored out of 10 and out of 20
    comparable. The category average is the plain mean of those results over
    the category's applications that have any such score, so every office
    counts once however many jurors scored it. One grouped query."""
    per_sheet = (
        sa.select(
            Assignment.application_id.label("application_id"),
            Criterion.area_id.label("area_id"),
            ScoreSheet.stage.label("stage"),
            score_sql.percent(score_sql.points(), score_sql.attainable()).label("percent"),
        )
        .select_from(Score)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(
            Application.edition_id == application.edition_id,
            Application.category_id == application.category_id,
            Application.status != ApplicationStatus.draft,
            ScoreSheet.status.in_([SheetStatus.submitted, SheetStatus.locked]),
            score_sql.SCORED,
        )
        .group_by(ScoreSheet.id, Assignment.application_id, Criterion.area_id, ScoreSheet.stage)
        .subquery()
    )
    per_application = (
        sa.select(
            per_sheet.c.application_id,
            per_sheet.c.area_id,
            per_sheet.c.stage,
            sa.func.avg(per_sheet.c.percent).label("mean"),
        )
        .where(per_sheet.c.percent.is_not(None))
        .group_by(per_sheet.c.application_id, per_sheet.c.area_id, per_sheet.c.stage)
        .subquery()
    )
    own = sa.func.max(
        sa.case((per_application.c.application_id == application.id, per_application.c.mean))
    )
    rows = db.session.execute(
        sa.select(
            Area.id,
            Area.name,
            per_application.c.stage,
            own.label("own"),
            sa.func.avg(per_application.c.mean).label("average"),
            sa.func.count(per_application.c.application_id).label("offices"),
        )
        .join(per_application, per_application.c.area_id == Area.id)
        .group_by(Area.id, Area.name, Area.position, per_application.c.stage)
        .order_by(per_application.c.stage, Area.position, Area.id)
    ).all()
    return [
        AreaFeedback(
            area_id=row[0],
            area_name=row[1],
            stage=int(row[2]),
            own=round(float(row.own), 2) if row.own is not None else None,
            category_average=round(float(row.average), 2) if row.average is not None else None,
            offices_scored=int(row.offices),
        )
        for row in rows
    ]
