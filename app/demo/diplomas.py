"""Diplomas for the demo's editions whose results are published (if any):
the documents still missing, made in this process (a handful, a second or
two). Called by `flask seed-demo` after the demo data; safe to run again."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import User
from app.awards import diploma_batch, diplomas
from app.demo.data import ORGANIZER
from app.editions.models import Edition, EditionStatus
from app.extensions import db

DEMO_URL = "http://127.0.0.1:5000/"
MAX_DEMO_DOCUMENTS = 60  # beyond this the organizer's batch button is the way


def seed_diplomas(base_url: str = DEMO_URL) -> int:
    """Make the missing documents of every published edition; returns how many."""
    organizer = db.session.scalar(sa.select(User).where(User.email == ORGANIZER[0]))
    editions = db.session.scalars(
        sa.select(Edition).where(
            Edition.status.in_([EditionStatus.results_published, EditionStatus.archived])
        )
    ).all()
    made = 0
    with current_app.test_request_context("/", base_url=base_url):
        for edition in editions:
            live = diplomas.live_by_subject(edition)
            design = diplomas.design_of(edition)
            todo = [
                (subject, None)
                for subject in diplomas.subjects(edition, design)
                if diplomas.subject_key(subject) not in live
            ]
            if not todo or len(todo) > MAX_DEMO_DOCUMENTS:
                continue
            made += diploma_batch.make_documents(
                edition, todo, actor_id=organizer.id if organizer else None, processes=1
            )
    return made
