"""Special awards: the awards an edition defines beside its categories (the
statuette "Urząd innowacyjny"). The chapter's decisions are in chapter.py,
the pages' data in deliberation.py, publishing in publishing.py.

Every function flushes and writes an audit event; none commits.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.audit import services as audit
from app.awards.models import Award, SpecialAward
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db

SPECIAL_AWARD_FIELDS = ["name", "description", "position"]


@dataclass
class SpecialAwardData:
    name: str
    description: str = ""
    position: int = 0


def special_awards(edition: Edition) -> list[SpecialAward]:
    return list(
        db.session.scalars(
            sa.select(SpecialAward)
            .where(SpecialAward.edition_id == edition.id)
            .order_by(SpecialAward.position, SpecialAward.name, SpecialAward.id)
        )
    )


def times_awarded(edition: Edition) -> dict[int, int]:
    """How many entries received each of the edition's special awards."""
    rows = db.session.execute(
        sa.select(Award.special_award_id, sa.func.count(Award.id))
        .where(Award.edition_id == edition.id, Award.special_award_id.is_not(None))
        .group_by(Award.special_award_id)
    )
    return dict(rows.all())


def _check_may_manage(edition: Edition, actor) -> None:
    if not edition.can_manage_special_awards(actor):
        raise LaurelError(_("Special awards can no longer change: the results are published."))


def _clean(data: SpecialAwardData) -> SpecialAwardData:
    name = (data.name or "").strip()
    if not name:
        raise LaurelError(_("Give the special award a name."))
    return SpecialAwardData(
        name=name, description=(data.description or "").strip(), position=data.position or 0
    )


def _check_name(edition: Edition, name: str, special: SpecialAward | None = None) -> None:
    query = sa.select(SpecialAward.id).where(
        SpecialAward.edition_id == edition.id, SpecialAward.name == name
    )
    if special is not None:
        query = query.where(SpecialAward.id != special.id)
    if db.session.scalar(query) is not None:
        raise LaurelError(
            _("This edition already has a special award named “%(name)s”.", name=name)
        )


def create_special_award(edition: Edition, *, actor, data: SpecialAwardData) -> SpecialAward:
    """A special award's name is unique within its edition; they can be
    defined until the results are published."""
    _check_may_manage(edition, actor)
    data = _clean(data)
    _check_name(edition, data.name)
    special = SpecialAward(
        edition_id=edition.id, name=data.name, description=data.description, position=data.position
    )
    db.session.add(special)
    db.session.flush()
    audit.record(
        "special_award.create",
        actor=actor,
        obj=special,
        edition_id=edition.id,
        after=audit.snapshot(special, SPECIAL_AWARD_FIELDS),
    )
    return special


def update_special_award(special: SpecialAward, *, actor, data: SpecialAwardData) -> SpecialAward:
    """Rename, describe or reorder a special award, until the results are
    published (an awarded one too: its winners keep it)."""
    edition = special.edition
    _check_may_manage(edition, actor)
    data = _clean(data)
    _check_name(edition, data.name, special)
    before = audit.snapshot(special, SPECIAL_AWARD_FIELDS)
    special.name, special.description, special.position = data.name, data.description, data.position
    db.session.flush()
    audit.record(
        "special_award.update",
        actor=actor,
        obj=special,
        edition_id=edition.id,
        before=before,
        after=audit.snapshot(special, SPECIAL_AWARD_FIELDS),
    )
    return special


def delete_special_award(special: SpecialAward, *, actor) -> None:
    """A special award the chapter has given cannot be deleted: the awards
    would lose their name. Withdraw them first."""
    edition = special.edition
    _check_may_manage(edition, actor)
    given = db.session.scalar(
        sa.select(sa.func.count(Award.id)).where(Award.special_award_id == special.id)
    )
    if given:
        raise LaurelError(
            ngettext(
                "The special award “%(name)s” cannot be deleted: it has been given to "
                "%(num)s entry. Withdraw that award first.",
                "The special award “%(name)s” cannot be deleted: it has been given to "
                "%(num)s entries. Withdraw those awards first.",
                given,
                name=special.name,
            )
        )
    audit.record(
        "special_award.delete",
        actor=actor,
        obj=special,
        edition_id=edition.id,
        before=audit.snapshot(special, SPECIAL_AWARD_FIELDS),
    )
    db.session.delete(special)
    db.session.flush()
