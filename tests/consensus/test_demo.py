"""The demo pilot edition holds consensus reviews in stage 1: finished ones
(one after an objection and a revision) and one still open with an old
objection, stuck on the organizer's page."""

from __future__ import annotations

import sqlalchemy as sa

from app.demo import seed_demo
from app.demo.data import PILOT_SLUG
from app.editions.models import Edition
from app.jury.consensus import overview, services
from app.jury.consensus.models import Consensus, ConsensusStatus
from app.results.models import QualificationOverride
from app.results.ranking import rank


def test_pilot_has_finished_and_open_consensus_reviews(app, db):
    seed_demo()
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == PILOT_SLUG))
    assert edition.consensus_stage1 and not edition.consensus_stage2
    reviews = db.session.scalars(sa.select(Consensus)).all()
    statuses = [r.status for r in reviews]
    assert statuses.count(ConsensusStatus.open) == 1
    assert statuses.count(ConsensusStatus.final) == len(reviews) - 1 >= 1
    revised = [r for r in reviews if len(r.versions) == 2]
    assert len(revised) == 1 and revised[0].status is ConsensusStatus.final
    [still_open] = [r for r in reviews if r.status is ConsensusStatus.open]
    assert services.is_stuck(still_open)
    with app.test_request_context():
        page = overview.edition_reviews(edition, 1)
    assert page.counts["stuck"] == 1 and page.counts["final"] == len(reviews) - 1
    # The stage-1 ranking uses the agreed scores; the open one keeps its mean.
    result = rank(edition, stage=1)
    flagged = [r for r in result.rows if r.consensus_pending]
    assert [r.application_id for r in flagged] == [still_open.application_id]
    assert sum(r.stage1_consensus is not None for r in result.rows) == len(reviews) - 1
    # The open one ranks by its mean, just under the threshold: the demo's
    # override of the proposed list is still there.
    [override] = db.session.scalars(sa.select(QualificationOverride)).all()
    assert override.application_id == still_open.application_id and override.qualified
