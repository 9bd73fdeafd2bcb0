"""The agreed scores the ranking reads (app/results/ranking.py): per entry and
stage, the latest version of a final or organizer-closed review, summed in the
database as a sheet is (Σ weight·value and Σ weight·max), in one query."""

from __future__ import annotations

import sqlalchemy as sa

from app.editions.models import Criterion
from app.extensions import db
from app.jury.consensus.models import (
    Consensus,
    ConsensusScore,
    ConsensusStatus,
    ConsensusVersion,
)
from app.offices.models import Application, ApplicationStatus

AGREED = (ConsensusStatus.final, ConsensusStatus.closed)


def agreed_totals(edition_id: int) -> list[tuple[int, int, float, float]]:
    """(entry, stage, points, attainable) for every entry whose review of a
    stage is final or closed and has a version (one grouped query)."""
    latest = (
        sa.select(
            ConsensusVersion.consensus_id.label("consensus_id"),
            sa.func.max(ConsensusVersion.number).label("number"),
        )
        .group_by(ConsensusVersion.consensus_id)
        .subquery()
    )
    query = (
        sa.select(
            Consensus.application_id,
            Consensus.stage,
            sa.cast(sa.func.sum(ConsensusScore.value * Criterion.weight), sa.Float),
            sa.cast(sa.func.sum(ConsensusScore.max_score * Criterion.weight), sa.Float),
        )
        .select_from(Consensus)
        .join(Application, Application.id == Consensus.application_id)
        .join(latest, latest.c.consensus_id == Consensus.id)
        .join(
            ConsensusVersion,
            sa.and_(
                ConsensusVersion.consensus_id == Consensus.id,
                ConsensusVersion.number == latest.c.number,
            ),
        )
        .join(ConsensusScore, ConsensusScore.version_id == ConsensusVersion.id)
        .join(Criterion, Criterion.id == ConsensusScore.criterion_id)
        .where(
            Application.edition_id == edition_id,
            Application.status != ApplicationStatus.draft,
            Consensus.status.in_(AGREED),
        )
        .group_by(Consensus.application_id, Consensus.stage)
    )
    return [tuple(row) for row in db.session.connection().execute(query)]
